//! `df -PTk` parser on GNU, BusyBox and hand-made output.

use super::super::df::{Filesystem, parse_df};

fn find<'a>(list: &'a [Filesystem], mount: &str) -> &'a Filesystem {
    list.iter()
        .find(|f| f.mount == mount)
        .unwrap_or_else(|| panic!("no {mount} in {list:#?}"))
}

#[test]
fn gnu_recorded() {
    let list = parse_df(include_str!("../fixtures/df_gnu.txt")).unwrap();
    let root = find(&list, "/");
    assert_eq!(
        (root.device.as_str(), root.fs_type.as_str()),
        ("/dev/vda", "ext4")
    );
    assert_eq!(root.total_kib, 264_212_084);
    assert!(!root.is_pseudo());
    let pct = root.used_percent();
    assert!(pct > 0.0 && pct < 100.0);
    let tools = find(&list, "/mnt/sandboxing/model_tools_env/v1/python");
    assert_eq!(tools.device, "model_tools_unavailable");
    assert!(tools.is_pseudo());
    let layers: Vec<_> = list
        .iter()
        .filter(|f| f.fs_type == "fuse.fuse-overlayfs")
        .collect();
    assert_eq!(layers.len(), 4);
    assert!(layers.iter().all(|f| f.is_pseudo()));
    let real: Vec<_> = list
        .iter()
        .filter(|f| !f.is_pseudo())
        .map(|f| f.mount.as_str())
        .collect();
    assert_eq!(real, ["/"]);
}

#[test]
fn busybox_recorded() {
    let list = parse_df(include_str!("../fixtures/df_busybox.txt")).unwrap();
    // /dev/shm is listed twice by BusyBox; the later entry wins.
    assert_eq!(list.iter().filter(|f| f.mount == "/dev/shm").count(), 1);
    let tools = find(&list, "/mnt/sandboxing/model_tools_env/v1/python");
    assert_eq!((tools.fs_type.as_str(), tools.total_kib), ("tmpfs", 4));
    let docker = find(&list, "/var/lib/docker");
    assert_eq!(docker.device, "/dev/vda");
    assert!(!docker.is_pseudo());
    assert_eq!(find(&list, "/").total_kib, 264_212_084);
}

#[test]
fn gnu_and_busybox_agree_on_root() {
    let gnu = parse_df(include_str!("../fixtures/df_gnu.txt")).unwrap();
    let bb = parse_df(include_str!("../fixtures/df_busybox.txt")).unwrap();
    assert_eq!(find(&gnu, "/").total_kib, find(&bb, "/").total_kib);
}

#[test]
fn handmade_spaces_and_long_names() {
    let list = parse_df(include_str!("../fixtures/df_handmade.txt")).unwrap();
    assert_eq!(list.len(), 7);
    let lvm = find(&list, "/srv/backups");
    assert_eq!(
        lvm.device,
        "/dev/mapper/vg--data--very--long--name-lv--srv--backups"
    );
    assert_eq!((lvm.used_kib, lvm.available_kib), (912_345_678, 67_108_864));
    assert!(
        (lvm.used_percent() - 93.146).abs() < 0.01,
        "{}",
        lvm.used_percent()
    );
    let nas = find(&list, "/mnt/nas share");
    assert_eq!(
        (nas.device.as_str(), nas.fs_type.as_str()),
        ("//nas.example.lan/share with space", "cifs")
    );
    assert!(!nas.is_pseudo());
    let full = find(&list, "/mnt/My Disk/with  two spaces");
    assert_eq!(full.used_percent(), 100.0);
    assert!(find(&list, "/snap/core20/1974").is_pseudo());
    let lxcfs = find(&list, "/var/lib/lxcfs");
    assert!(lxcfs.is_pseudo());
    assert_eq!(lxcfs.used_percent(), 0.0);
    assert!(!find(&list, "/home/me/remote").is_pseudo());
    assert!(find(&list, "/var/lib/docker/overlay2/abc/merged").is_pseudo());
}

#[test]
fn garbage_and_short_lines() {
    assert_eq!(parse_df("").unwrap(), vec![]);
    assert_eq!(
        parse_df("Filesystem Type 1024-blocks Used Available Capacity Mounted on\n").unwrap(),
        vec![]
    );
    let e = parse_df(
        "Filesystem Type 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 ext4 100 50\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "df output line 2 has fewer than 7 columns: \"/dev/sda1 ext4 100 50\""
    );
    let e = parse_df("df: /mnt/x: Permission denied but here are many words\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("df output line 1 does not look like"), "{e}");
    assert!(parse_df("<html><body>502 Bad Gateway</body></html>").is_err());
    assert!(parse_df("/dev/sda1 ext4 x 50 50 50% /").is_err());
}
