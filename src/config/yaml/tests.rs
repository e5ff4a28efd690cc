//! Tests: take small YAML files and inventory-like types; check the exact diagnostics
//! (`file:line:column: message`) or the values they give.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};

use super::{Diagnostic, Location, Spanned, from_str};

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
struct Inventory {
    hosts: BTreeMap<String, Host>,
    checks: Vec<Check>,
    settings: Settings,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
struct Settings {
    parallel: bool,
    retries: u8,
    timeout: f64,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
struct Host {
    address: Option<Spanned<String>>,
    port: Option<u16>,
    user: Option<String>,
    transport: Option<Transport>,
    tags: Vec<String>,
    containers: Option<Containers>,
    sudo: bool,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Transport {
    Ssh,
    Local,
    SshJump(String),
}

/// No `#[serde(default)]`: both fields are required.
#[derive(Debug, Deserialize, PartialEq)]
struct Check {
    name: String,
    command: String,
}

/// `all`, or a list of names: a hand-written impl going through `deserialize_any`.
#[derive(Debug, PartialEq)]
enum Containers {
    All,
    Named(Vec<String>),
}

impl<'de> Deserialize<'de> for Containers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContainersVisitor;

        impl<'de> Visitor<'de> for ContainersVisitor {
            type Value = Containers;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`all` or a list of container names")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Containers, E> {
                match text {
                    "all" => Ok(Containers::All),
                    _ => Err(E::custom("expected `all` or a list of container names")),
                }
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Containers, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element()? {
                    names.push(name);
                }
                Ok(Containers::Named(names))
            }
        }

        deserializer.deserialize_any(ContainersVisitor)
    }
}

const FILE: &str = "inventory.yaml";

/// Joins lines into a file, so line N of a test is `lines[N - 1]`.
fn yaml(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// The diagnostics for `text` as `line:column: message`; panics if it deserializes.
fn problems<T: DeserializeOwned + fmt::Debug>(text: &str) -> Vec<String> {
    match from_str::<T>(text, FILE) {
        Ok(value) => panic!("expected diagnostics, got {value:?}"),
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| {
                assert_eq!(d.location.file, FILE);
                format!("{}:{}: {}", d.location.line, d.location.column, d.message)
            })
            .collect(),
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> T {
    match from_str(text, FILE) {
        Ok(value) => value,
        Err(diagnostics) => panic!("unexpected diagnostics: {diagnostics:#?}"),
    }
}

/// Runs a table of `(name, file lines, expected diagnostics)` against `Inventory`.
fn check_table(cases: &[(&str, &[&str], &[&str])]) {
    for (name, lines, expected) in cases {
        assert_eq!(
            problems::<Inventory>(&yaml(lines)),
            *expected,
            "case `{name}`"
        );
    }
}

#[test]
fn display_of_location_and_diagnostic() {
    let diagnostic = Diagnostic {
        location: Location {
            file: "a.yaml".into(),
            line: 3,
            column: 7,
        },
        message: "unknown key `x` at the top level".into(),
    };
    assert_eq!(diagnostic.location.to_string(), "a.yaml:3:7");
    assert_eq!(
        diagnostic.to_string(),
        "a.yaml:3:7: unknown key `x` at the top level"
    );
    let as_error: &dyn std::error::Error = &diagnostic;
    assert!(as_error.source().is_none());
}

#[test]
fn every_problem_is_reported_sorted() {
    check_table(&[
        (
            "typo on one host, wrong type on another",
            &[
                "hosts:",
                "  nas:",
                "    adress: 10.0.0.1",
                "    port: 22",
                "  web:",
                "    address: web.lan",
                "    port: twenty",
            ],
            &[
                "3:5: unknown key `adress` in `hosts.nas` (did you mean `address`?)",
                "7:11: expected an integer from 0 to 65535 for `hosts.web.port`, found `twenty`",
            ],
        ),
        (
            // Unknown keys are found before the known ones are visited: output is still sorted.
            "both in one host, wrong type first",
            &[
                "hosts:",
                "  nas:",
                "    port: twenty",
                "    adress: 10.0.0.1",
            ],
            &[
                "3:11: expected an integer from 0 to 65535 for `hosts.nas.port`, found `twenty`",
                "4:5: unknown key `adress` in `hosts.nas` (did you mean `address`?)",
            ],
        ),
    ]);
}

#[test]
fn unknown_keys() {
    check_table(&[
        (
            "top level, close",
            &["hots: {}"],
            &["1:1: unknown key `hots` at the top level (did you mean `hosts`?)"],
        ),
        (
            "top level, far",
            &["colour: red"],
            &[
                "1:1: unknown key `colour` at the top level (expected one of: hosts, checks, settings)",
            ],
        ),
        (
            "deep, close (jaro-winkler)",
            &["settings:", "  parallelism: true"],
            &["2:3: unknown key `parallelism` in `settings` (did you mean `parallel`?)"],
        ),
        (
            "deep, far",
            &["hosts:", "  nas:", "    colour: red"],
            &[
                "3:5: unknown key `colour` in `hosts.nas` (expected one of: address, port, user, transport, tags, containers, sudo)",
            ],
        ),
        (
            "quoted keys are keys too",
            &["\"hosts\": {}", "'timeout': 1"],
            &[
                "2:1: unknown key `timeout` at the top level (expected one of: hosts, checks, settings)",
            ],
        ),
        (
            "a sequence as a key",
            &["? [a, b]", ": 1"],
            &["1:3: expected a key name at the top level, found a sequence"],
        ),
    ]);
}

#[test]
fn wrong_types() {
    check_table(&[
        (
            "unknown enum value, close",
            &["hosts:", "  nas:", "    transport: sshh"],
            &["3:16: unknown value `sshh` for `hosts.nas.transport` (did you mean `ssh`?)"],
        ),
        (
            "unknown enum value, far, and deserialization goes on",
            &[
                "hosts:",
                "  nas:",
                "    transport: telnet",
                "    port: twenty",
            ],
            &[
                "3:16: unknown value `telnet` for `hosts.nas.transport` (expected one of: ssh, local, ssh_jump)",
                "4:11: expected an integer from 0 to 65535 for `hosts.nas.port`, found `twenty`",
            ],
        ),
        (
            "unknown enum value as a mapping key",
            &["hosts:", "  nas:", "    transport: {jump: bastion}"],
            &[
                "3:17: unknown value `jump` for `hosts.nas.transport` (expected one of: ssh, local, ssh_jump)",
            ],
        ),
        (
            "enum as a mapping with two keys",
            &["hosts:", "  nas:", "    transport: {ssh: 1, local: 2}"],
            &[
                "3:16: expected a mapping with a single key (one of: ssh, local, ssh_jump) for `hosts.nas.transport`, found 2 keys",
            ],
        ),
        (
            "enum as a sequence",
            &["hosts:", "  nas:", "    transport: [ssh]"],
            &[
                "3:16: expected one of: ssh, local, ssh_jump for `hosts.nas.transport`, found a sequence",
            ],
        ),
        (
            "unit variant with a value",
            &["hosts:", "  nas:", "    transport: {local: yes}"],
            &["3:24: expected no value for `hosts.nas.transport.local`, found a string `yes`"],
        ),
        (
            "bool",
            &["settings:", "  parallel: yes please"],
            &["2:13: expected true or false for `settings.parallel`, found `yes please`"],
        ),
        (
            "int out of range",
            &["hosts:", "  nas:", "    port: 70000"],
            &["3:11: expected an integer from 0 to 65535 for `hosts.nas.port`, found `70000`"],
        ),
        (
            "negative into unsigned",
            &["settings:", "  retries: -1"],
            &["2:12: expected an integer from 0 to 255 for `settings.retries`, found `-1`"],
        ),
        (
            "float",
            &["settings:", "  timeout: soon"],
            &["2:12: expected a number for `settings.timeout`, found `soon`"],
        ),
        (
            // An empty value starts right after its key's colon.
            "null into a required value",
            &["settings:", "  retries:"],
            &["2:10: expected an integer from 0 to 255 for `settings.retries`, found null"],
        ),
        (
            "list where a mapping is expected",
            &["hosts: [nas, web]"],
            &["1:8: expected a mapping for `hosts`, found a sequence"],
        ),
        (
            "string where a struct is expected",
            &["hosts:", "  nas: abc"],
            &["2:8: expected a mapping for `hosts.nas`, found a string `abc`"],
        ),
        (
            "mapping where a list is expected",
            &["hosts:", "  nas:", "    tags: {prod: true}"],
            &["3:11: expected a list for `hosts.nas.tags`, found a mapping"],
        ),
        (
            "mapping where a string is expected, inside a list",
            &["hosts:", "  nas:", "    tags: [prod, {a: 1}]"],
            &["3:18: expected a string for `hosts.nas.tags[1]`, found a mapping"],
        ),
        (
            "the top level is not a mapping",
            &["- nas", "- web"],
            &["1:1: expected a mapping at the top level, found a sequence"],
        ),
        (
            "error from a hand-written impl, and the next host is still checked",
            &[
                "hosts:",
                "  a:",
                "    containers: some",
                "  b:",
                "    port: twenty",
            ],
            &[
                "3:17: expected `all` or a list of container names in `hosts.a.containers`",
                "5:11: expected an integer from 0 to 65535 for `hosts.b.port`, found `twenty`",
            ],
        ),
        (
            "serde's own invalid type from deserialize_any",
            &["hosts:", "  nas:", "    containers: 5"],
            &[
                "3:17: invalid type: integer `5`, expected `all` or a list of container names in `hosts.nas.containers`",
            ],
        ),
    ]);
}

#[test]
fn valid_inventory() {
    let text = yaml(&[
        "hosts:",
        "  nas:",
        "    address: 10.0.0.1",
        "    port: 22",
        "    user: 22",
        "    transport: ssh",
        "    tags: [prod, storage]",
        "    containers: all",
        "    sudo: True",
        "  web:",
        "    transport: {ssh_jump: bastion}",
        "    containers:",
        "      - nginx",
        "      - app",
        "checks:",
        "  - name: disk",
        "    command: df -h",
        "settings:",
        "  parallel: false",
        "  retries: 0x0F",
        "  timeout: 2.5",
    ]);
    let inventory: Inventory = parse(&text);
    let nas = &inventory.hosts["nas"];
    let address = nas.address.as_ref().expect("address is set");
    assert_eq!(address.as_str(), "10.0.0.1");
    assert_eq!(
        address.location,
        Location {
            file: FILE.into(),
            line: 3,
            column: 14
        }
    );
    assert_eq!(nas.port, Some(22));
    // A plain number is fine where a string is expected.
    assert_eq!(nas.user.as_deref(), Some("22"));
    assert_eq!(nas.transport, Some(Transport::Ssh));
    assert_eq!(nas.tags, ["prod", "storage"]);
    assert_eq!(nas.containers, Some(Containers::All));
    assert!(nas.sudo);
    let web = &inventory.hosts["web"];
    assert_eq!(web.transport, Some(Transport::SshJump("bastion".into())));
    assert_eq!(
        web.containers,
        Some(Containers::Named(vec!["nginx".into(), "app".into()]))
    );
    assert_eq!(web.address, None);
    assert_eq!(
        inventory.checks,
        [Check {
            name: "disk".into(),
            command: "df -h".into()
        }]
    );
    assert_eq!(
        inventory.settings,
        Settings {
            parallel: false,
            retries: 15,
            timeout: 2.5
        }
    );
}

#[test]
fn spanned_and_quoting() {
    #[derive(Debug, Deserialize)]
    struct Doc {
        name: Spanned<String>,
        list: Spanned<Vec<u8>>,
        nested: Option<Spanned<Spanned<u8>>>,
    }
    let doc: Doc = parse(&yaml(&["name: \"x\"", "list:", "  - 1", "nested: &n 7"]));
    assert_eq!(*doc.name, "x");
    assert_eq!((doc.name.location.line, doc.name.location.column), (1, 7));
    assert_eq!(doc.list.value, [1]);
    // A block sequence starts at its first `-`.
    assert_eq!((doc.list.location.line, doc.list.location.column), (3, 3));
    let nested = doc.nested.expect("nested is set");
    assert_eq!(nested.value.value, 7);
    // A node starts at its anchor.
    assert_eq!((nested.location.line, nested.location.column), (4, 9));
    assert_eq!(nested.location, nested.value.location);

    check_table(&[
        (
            "a quoted number is a string, not a port",
            &["hosts:", "  nas:", "    port: \"22\""],
            &[
                "3:11: expected an integer from 0 to 65535 for `hosts.nas.port`, found a quoted string `\"22\"`",
            ],
        ),
        (
            "!!str makes a plain scalar a string",
            &["hosts:", "  nas:", "    port: !!str 22"],
            &[
                "3:11: expected an integer from 0 to 65535 for `hosts.nas.port`, found a quoted string `\"22\"`",
            ],
        ),
        (
            "errors inside a spanned value keep their own position",
            &["hosts:", "  nas:", "    address: [a]"],
            &["3:14: expected a string for `hosts.nas.address`, found a sequence"],
        ),
    ]);
}

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
