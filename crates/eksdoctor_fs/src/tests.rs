use super::*;
use std::time::{Duration, Instant};

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("main.tf");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let start = Instant::now();
    assert_eq!(
        read(&fifo, MAX_FILE_BYTES),
        Err(ReadError::NotRegular("a FIFO"))
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(!is_regular_file(&fifo));
}

#[test]
fn a_symlink_to_a_device_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("zero.tf");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    assert_eq!(
        read(&link, MAX_FILE_BYTES),
        Err(ReadError::NotRegular("a device"))
    );
}

#[test]
fn reading_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.yaml");
    std::fs::write(&f, vec![b'a'; 2048]).unwrap();
    assert_eq!(read(&f, 1024), Err(ReadError::TooLarge(1024)));
    assert_eq!(read(&f, 2048).unwrap().len(), 2048);
    assert_eq!(
        ReadError::TooLarge(MAX_FILE_BYTES).to_string(),
        "larger than 32 MiB: not read (the scan's limit, `[limits]` in .eksdoctor.toml)"
    );
}

#[test]
fn invalid_utf8_names_its_line() {
    assert_eq!(
        text(b"a: 1\nb: 2\nc: \xff\n".to_vec()),
        Err(ReadError::NotUtf8(3))
    );
    assert_eq!(text(b"ok".to_vec()).unwrap(), "ok");
}

#[test]
fn confinement_keeps_paths_inside_the_roots() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("modules")).unwrap();
    std::fs::write(root.join("modules/a.txt"), "x").unwrap();
    std::fs::write(dir.path().join("outside.txt"), "x").unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("link.txt")).unwrap();
    let c = Confinement::new([root.clone()]);
    assert!(c.allows(&root.join("modules/../modules/a.txt")));
    assert!(!c.allows(&root.join("../outside.txt")));
    assert!(
        !c.allows(&root.join("link.txt")),
        "a symlink out of the tree"
    );
    assert!(c
        .check(Path::new("/proc/self/environ"))
        .unwrap_err()
        .contains("system path"));
    assert!(c
        .check(Path::new("/etc/passwd"))
        .unwrap_err()
        .contains("outside the scanned tree"));
    // Even a root of `/` never opens system directories.
    let all = Confinement::new([PathBuf::from("/")]);
    assert!(!all.allows(Path::new("/proc/self/environ")));
    assert!(all.allows(&root.join("modules/a.txt")));
    // A module's own directory is a root for the paths its code names, never `/` or /proc.
    let none = Confinement::new([dir.path().join("elsewhere")]);
    let module = root.join("modules");
    assert!(none
        .check_within(&module.join("a.txt"), Some(&module))
        .is_ok());
    assert!(none
        .check_within(&dir.path().join("outside.txt"), Some(&module))
        .is_err());
    assert!(none
        .check_within(Path::new("/etc/passwd"), Some(Path::new("/")))
        .is_err());
}

#[test]
fn the_git_work_tree_is_a_root() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("envs/prod")).unwrap();
    std::fs::create_dir_all(repo.join("modules/eks")).unwrap();
    std::fs::write(repo.join("modules/eks/main.tf"), "").unwrap();
    assert_eq!(
        git_root(&repo.join("envs/prod"))
            .unwrap()
            .canonicalize()
            .unwrap(),
        repo.canonicalize().unwrap()
    );
    let c = Confinement::for_scan(&[repo.join("envs/prod")], &[]);
    assert!(c.allows(&repo.join("modules/eks/main.tf")));
}
