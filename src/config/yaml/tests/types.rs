//! Problems in what the schema expects: unknown keys, wrong types, located and sorted.

use serde::Deserialize;

use super::*;

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
