//! Functions that read files: `file`, `templatefile`, `fileexists`, `fileset` (and the files a
//! `kubectl_path_documents` data source reads). Input is untrusted: a path is read only when it
//! is a regular file inside the scanned trees (`eksdoctor_fs::Confinement`); anything else gives
//! an unknown value and a note, never the file's content in a message.

use super::*;

impl Inst<'_> {
    /// The text of the file at `path` that the code names, when it may be read; else why not.
    pub(super) fn read_named(&self, path: &Path) -> Result<String, String> {
        let canon = self.confine(path)?;
        eksdoctor_fs::read_text(&canon).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// `path` resolved, when the code may name it (inside the scanned trees or this module's
    /// directory); else why not, naming the path.
    fn confine(&self, path: &Path) -> Result<PathBuf, String> {
        self.env
            .confinement
            .check_within(path, Some(&self.m.dir))
            .map_err(|why| format!("{} {why}", path.display()))
    }

    /// A value this scan refuses to compute: unknown with `why`, and a note at the attribute.
    fn refused(&self, name: &str, why: String) -> V {
        let message = format!("{name}(): {why}");
        if let Some(at) = self.env.current.borrow().as_ref() {
            self.env.note(at, format!("not read: {message}"));
        }
        V::unknown(message)
    }

    pub(super) fn file_function(&self, name: &str, args: &[V]) -> R<V> {
        if let Some(u) = args.iter().find_map(V::unk) {
            return Ok(unk_from(u));
        }
        let p = args.first().and_then(V::as_str).ok_or("expected a path")?;
        let path = self.resolve_path(p);
        match name {
            "fileset" => {
                let pattern = args
                    .get(1)
                    .and_then(V::as_str)
                    .ok_or("fileset: expected a path and a pattern")?;
                if let Err(why) = self.confine(&path) {
                    return Ok(self.refused(name, why));
                }
                let found = fileset(&path, pattern)?;
                return Ok(V::list(found.into_iter().map(V::str).collect()));
            }
            "fileexists" => {
                return Ok(match self.confine(&path) {
                    Ok(canon) => V::Bool(eksdoctor_fs::is_regular_file(&canon)),
                    // A path that does not exist is not there, wherever it points.
                    Err(_) if !path.exists() => V::Bool(false),
                    Err(why) => self.refused(name, why),
                });
            }
            "filebase64" => return Err("filebase64 is not supported".into()),
            _ => {}
        }
        let text = match self.read_named(&path) {
            Ok(t) => t,
            // A file that is not there is Terraform's error too.
            Err(why) if !path.exists() => return Err(format!("{name}: {why}")),
            Err(why) => return Ok(self.refused(name, why)),
        };
        if name == "file" {
            return Ok(V::str(text));
        }
        self.templatefile(&path, &text, args.get(1))
    }

    fn templatefile(&self, path: &Path, text: &str, vars: Option<&V>) -> R<V> {
        // Terraform stubs templatefile out inside a template: recursion is an error, not a
        // stack overflow.
        if self.env.in_template.get() {
            return Err(
                "templatefile: cannot recursively call templatefile from inside templatefile call"
                    .into(),
            );
        }
        let tpl = hcl_edit::parser::parse_template(text)
            .map_err(|e| format!("templatefile {}: {}", path.display(), e.message()))?;
        let vars: Vec<(String, V)> = match vars {
            Some(V::Obj(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(V::Null) | None => Vec::new(),
            Some(_) => return Err("templatefile: variables must be an object".into()),
        };
        self.env.in_template.set(true);
        let out = self.template(&tpl, &vars);
        self.env.in_template.set(false);
        out
    }
}
