#!/usr/bin/env python3
"""The resource types each terraform-aws-modules module (and submodule) can create, over every
released version, read from the module repositories' git objects (no network).

    tools/extract-module-resources.py MIRROR_DIR... > crates/eksdoctor_terraform/data/module-resources.csv

Each MIRROR_DIR is a bare clone of github.com/terraform-aws-modules/terraform-aws-NAME. For every
tag (v*) and HEAD, the `resource "TYPE"` blocks of the .tf files at the module's root and in each
`modules/SUB/` directory are collected; the union over all versions is written, one row per
(module source, resource type). Examples and tests are not modules and are skipped. eksdoctor
uses the table only to know what a module it cannot read could NOT create.
"""
import re
import subprocess
import sys

RESOURCE = re.compile(r'^\s*resource\s+"([a-z0-9_]+)"', re.M)
# A module call and its source (the first `source =` after `module "x" {`).
MODULE_SOURCE = re.compile(r'^\s*module\s+"[^"]+"\s*\{[^}]*?\bsource\s*=\s*"([^"]+)"', re.M | re.S)


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], capture_output=True, text=True, check=True).stdout


def main():
    rows = {}
    heads = []
    for repo in sys.argv[1:]:
        name = re.findall(r"terraform-aws-([a-z0-9-]+)", repo)[-1]
        source = f"terraform-aws-modules/{name}/aws"
        refs = [t for t in git(repo, "tag", "--list", "v*").split()] + ["HEAD"]
        heads.append(f"{source} {git(repo, 'rev-parse', 'HEAD').strip()[:12]} ({len(refs) - 1} tags)")
        for ref in refs:
            for path in git(repo, "ls-tree", "-r", "--name-only", ref).split("\n"):
                if not path.endswith(".tf"):
                    continue
                parts = path.split("/")
                if len(parts) == 1:
                    sub = ""
                elif len(parts) == 3 and parts[0] == "modules":
                    sub = "modules/" + parts[1]
                else:
                    continue
                text = git(repo, "show", f"{ref}:{path}")
                here = rows.setdefault((source, sub), set())
                here.update(RESOURCE.findall(text))
                for called in MODULE_SOURCE.findall(text):
                    here.add(("call", source, sub, called))
    resolve(rows)
    print("# Resource types each module can create, over all its released versions (tools/extract-module-resources.py).")
    for h in heads:
        print(f"# {h}")
    print("source,submodule,resource_type")
    for (source, sub), types in sorted(rows.items()):
        for t in sorted(types):
            print(f"{source},{sub},{t}")


def resolve(rows):
    """Replace module calls by what the called module creates: a local source (`../../`, `./x`)
    within the same repository or a registry module of the table by its rows, anything else by `*`
    (any resource type)."""
    import posixpath
    for _ in range(10):
        changed = False
        for key, types in rows.items():
            for c in [t for t in types if isinstance(t, tuple)]:
                types.discard(c)
                _, source, sub, called = c
                if called.startswith("."):
                    target = posixpath.normpath(posixpath.join(sub or ".", called))
                    target = "" if target == "." else target
                    inner = rows.get((source, target))
                    if inner is None:
                        types.add("*")
                    else:
                        types.update(inner)
                else:
                    # A registry module of the table (`terraform-aws-modules/kms/aws`, `//sub`).
                    main, _, inner_sub = called.removeprefix("registry.terraform.io/").partition("//")
                    inner = rows.get((main, inner_sub.rstrip("/")))
                    if inner is None:
                        types.add("*")
                    else:
                        types.update(inner)
                changed = True
        if not changed:
            break


main()
