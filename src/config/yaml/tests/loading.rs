//! The loader and the other serde shapes: scalars, anchors, defaults, hostile files.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::*;

#[test]
fn scalar_resolution() {
    #[derive(Debug, Deserialize)]
    struct Scalars {
        b: bool,
        i: i64,
        f: f64,
        s: String,
        o: Option<u8>,
    }
    /// The text, then the expected `b`, `i`, `f`, `s` and `o`.
    type Case = (&'static str, bool, i64, f64, &'static str, Option<u8>);
    let cases: &[Case] = &[
        (
            "{b: true, i: 0, f: 0, s: a, o: 1}",
            true,
            0,
            0.0,
            "a",
            Some(1),
        ),
        (
            "{b: FALSE, i: -42, f: -1.5, s: 'x y', o: ~}",
            false,
            -42,
            -1.5,
            "x y",
            None,
        ),
        (
            "{b: False, i: +7, f: 1e3, s: true, o: null}",
            false,
            7,
            1000.0,
            "true",
            None,
        ),
        (
            "{b: True, i: 0x1F, f: .5, s: \"\", o: NULL}",
            true,
            31,
            0.5,
            "",
            None,
        ),
        (
            "{b: TRUE, i: 0o17, f: -.inf, s: 1.5, o:}",
            true,
            15,
            f64::NEG_INFINITY,
            "1.5",
            None,
        ),
    ];
    for (text, b, i, f, s, o) in cases {
        let parsed: Scalars = parse(text);
        assert_eq!(
            (parsed.b, parsed.i, parsed.f, parsed.s.as_str(), parsed.o),
            (*b, *i, *f, *s, *o),
            "{text}"
        );
    }
    for bad in ["1_000", "yes", "0b101", "1.5", "0x", "1 2", "[1]"] {
        let found = problems::<Scalars>(&format!("{{b: true, i: {bad}, f: 1, s: a, o: 1}}"));
        assert_eq!(found.len(), 1, "{bad}: {found:?}");
        assert!(
            found[0].contains(
                "expected an integer from -9223372036854775808 to 9223372036854775807 for `i`"
            ),
            "{bad}: {found:?}"
        );
    }
}

#[test]
fn loader_problems() {
    check_table(&[
        (
            "duplicate key",
            &["hosts:", "  nas:", "    port: 22", "  nas:", "    port: 23"],
            &["4:3: duplicate key `nas` (first defined at line 2)"],
        ),
        (
            "duplicate key, quoted the second time, and a type error still found",
            &[
                "settings:",
                "  retries: 1",
                "  'retries': 2",
                "  timeout: x",
            ],
            &[
                "3:3: duplicate key `retries` (first defined at line 2)",
                "4:12: expected a number for `settings.timeout`, found `x`",
            ],
        ),
        (
            "unclosed quote followed by more lines",
            &[
                "hosts:",
                "  nas:",
                "    address: \"10.0.0.1",
                "    port: 22",
            ],
            &["3:14: invalid yaml: invalid indentation in quoted scalar"],
        ),
        (
            "unclosed quote at the end",
            &["hosts:", "  nas:", "    address: '10.0.0.1"],
            &["3:14: invalid yaml: while scanning a quoted scalar, found unexpected end of stream"],
        ),
        (
            "bad indentation",
            &["hosts:", "  nas:", "    port: 22", "   user: x"],
            &["4:4: invalid yaml: while parsing a block mapping, did not find expected key"],
        ),
        (
            "tab indentation",
            &["hosts:", "\tnas: {}"],
            &["2:2: invalid yaml: tabs disallowed within this context (block indentation)"],
        ),
        (
            "two documents, and the first is still checked",
            &["hots: {}", "---", "hosts: {}"],
            &[
                "1:1: unknown key `hots` at the top level (did you mean `hosts`?)",
                "2:1: found a second yaml document, but a file may contain only one",
            ],
        ),
        (
            "merge keys",
            &[
                "hosts:",
                "  nas: &base",
                "    port: 22",
                "  web:",
                "    <<: *base",
                "    user: root",
            ],
            &["5:5: merge keys (`<<`) are not supported"],
        ),
        (
            "recursive alias",
            &["checks: &c [*c]"],
            &[
                "1:13: this alias refers to a node that contains it (recursive aliases are not supported)",
                "1:13: missing field `name` in `checks[0]`",
            ],
        ),
        (
            "unknown alias",
            &["hosts: *nope"],
            &["1:8: invalid yaml: while parsing node, found unknown anchor"],
        ),
    ]);
}

#[test]
fn empty_files_are_defaults() {
    for text in ["", "\n", "# only a comment\n", "---\n", "~\n"] {
        assert_eq!(parse::<Inventory>(text), Inventory::default(), "{text:?}");
    }
    // An empty value is an empty mapping for a struct with defaults, and an empty collection.
    let inventory: Inventory = parse(&yaml(&["hosts:", "  nas:", "checks:", "settings:"]));
    assert_eq!(inventory.hosts["nas"], Host::default());
}

#[test]
fn anchors_and_aliases() {
    let text = yaml(&[
        "hosts:",
        "  nas: &base",
        "    user: &admin root",
        "    tags: [prod]",
        "  web: *base",
        "  db:",
        "    user: *admin",
    ]);
    let inventory: Inventory = parse(&text);
    assert_eq!(inventory.hosts["web"], inventory.hosts["nas"]);
    assert_eq!(inventory.hosts["db"].user.as_deref(), Some("root"));

    // A problem inside an anchored node is reported for every use, at the anchored text.
    check_table(&[(
        "problem inside an anchor",
        &["hosts:", "  nas: &base", "    prot: 22", "  web: *base"],
        &[
            "3:5: unknown key `prot` in `hosts.nas` (did you mean `port`?)",
            "3:5: unknown key `prot` in `hosts.web` (did you mean `port`?)",
        ],
    )]);
}

#[test]
fn missing_required_fields() {
    check_table(&[
        (
            "missing field, and later problems are still found",
            &[
                "checks:",
                "  - name: disk",
                "    command: df -h",
                "  - name: load",
                "  - nmae: x",
                "    command: uptime",
                "hosts:",
                "  nas:",
                "    port: twenty",
            ],
            &[
                "4:5: missing field `command` in `checks[1]`",
                "5:5: unknown key `nmae` in `checks[2]` (did you mean `name`?)",
                "5:5: missing field `name` in `checks[2]`",
                "9:11: expected an integer from 0 to 65535 for `hosts.nas.port`, found `twenty`",
            ],
        ),
        (
            "an empty element has no fields",
            &["checks:", "  -", "  - 5"],
            &[
                "2:4: missing field `name` in `checks[0]`",
                "3:5: expected a mapping for `checks[1]`, found `5`",
            ],
        ),
    ]);

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        check: Check,
        limit: u8,
    }
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "empty file",
            &[""],
            &["1:1: missing field `check` at the top level"],
        ),
        (
            // Leaving out the broken `check` must not add "missing field `check`".
            "a broken required field, and a sibling after it",
            &["check:", "  name: disk", "limit: 300"],
            &[
                "2:3: missing field `command` in `check`",
                "3:8: expected an integer from 0 to 255 for `limit`, found `300`",
            ],
        ),
    ];
    for (name, lines, expected) in cases {
        assert_eq!(problems::<Strict>(&yaml(lines)), *expected, "case `{name}`");
    }
}

#[test]
fn other_serde_shapes() {
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Untagged {
        Number(u8),
        Text(String),
    }
    #[derive(Debug, Deserialize)]
    #[serde(tag = "kind", rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Probe {
        Http { url: String },
        Tcp { port: u16 },
    }
    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    #[allow(dead_code)]
    struct Misc {
        ports: BTreeMap<u8, String>,
        pair: Option<(u8, String)>,
        letter: Option<char>,
        untagged: Vec<Untagged>,
        probes: Vec<Probe>,
        ip: Option<std::net::IpAddr>,
        unit: Option<()>,
    }
    let ok: Misc = parse(&yaml(&[
        "ports: {22: ssh, 0x50: http}",
        "pair: [1, a]",
        "letter: x",
        "untagged: [1, a]",
        "probes: [{kind: http, url: x}, {kind: tcp, port: 22}]",
        "ip: 10.0.0.1",
        "unit: ~",
    ]));
    assert_eq!(ok.ports[&80], "http");
    assert_eq!(ok.pair, Some((1, "a".into())));
    assert_eq!(ok.letter, Some('x'));
    assert_eq!(ok.probes.len(), 2);

    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "typed map keys",
            &["ports: {x: a, 300: b}"],
            &[
                "1:9: expected an integer from 0 to 255 for `ports.x`, found `x`",
                "1:15: expected an integer from 0 to 255 for `ports.300`, found `300`",
            ],
        ),
        (
            "tuple too short",
            &["pair: [1]"],
            &["1:7: invalid length 1, expected a tuple of size 2 in `pair`"],
        ),
        (
            "tuple too long",
            &["pair: [1, a, b]"],
            &["1:7: expected a list of 2 elements for `pair`, found 3"],
        ),
        (
            "char",
            &["letter: xy"],
            &["1:9: invalid value: string \"xy\", expected a character in `letter`"],
        ),
        (
            "untagged enum",
            &["untagged: [{a: 1}]"],
            &["1:12: data did not match any variant of untagged enum Untagged in `untagged[0]`"],
        ),
        (
            // Internally tagged enums are buffered by serde: positions are the element's.
            "internally tagged enum",
            &[
                "probes:",
                "  - kind: tcp",
                "    port: 99999",
                "  - kind: ftp",
            ],
            &[
                "2:5: invalid value: integer `99999`, expected u16 in `probes[0]`",
                "4:11: unknown variant `ftp`, expected `http` or `tcp` in `probes[1].kind`",
            ],
        ),
        (
            "a type parsed from a string",
            &["ip: nope"],
            &["1:5: invalid IP address syntax in `ip`"],
        ),
        (
            // The parser then rejects the neutral "", which must not add a second diagnostic.
            "a type parsed from a string, given a list",
            &["ip: [1]"],
            &["1:5: expected a string for `ip`, found a sequence"],
        ),
        (
            "unit",
            &["unit: 1"],
            &["1:7: expected no value for `unit`, found `1`"],
        ),
    ];
    for (name, lines, expected) in cases {
        assert_eq!(problems::<Misc>(&yaml(lines)), *expected, "case `{name}`");
    }
}

#[test]
fn hostile_files() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert_eq!(
        problems::<Inventory>(&deep),
        ["1:129: collections are nested more than 128 levels deep"]
    );
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let found = problems::<Inventory>(&bomb);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].ends_with("aliases expand this file to more than 1000000 nodes"),
        "{found:?}"
    );
}
