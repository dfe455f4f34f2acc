//! Variable definition files (`terraform.tfvars`, `*.auto.tfvars`, `--var-file`) hold literal
//! values only: Terraform evaluates them without functions or variables, so a function call
//! there (`file("/proc/self/environ")`) is refused with Terraform's own message, never run.

use hcl_edit::expr::{Expression, ForExpr, FuncCall};
use hcl_edit::visit::Visit;
use hcl_edit::Span;

/// Terraform's error for the first function call or variable reference in a `.tfvars`
/// value, with the byte range it is at.
pub(super) fn not_literal(e: &Expression) -> Option<(String, Option<std::ops::Range<usize>>)> {
    let mut v = Literal::default();
    v.visit_expr(e);
    v.found
}

#[derive(Default)]
struct Literal {
    /// Names bound by enclosing `for` expressions.
    bound: Vec<String>,
    found: Option<(String, Option<std::ops::Range<usize>>)>,
}

impl Visit for Literal {
    fn visit_func_call(&mut self, call: &FuncCall) {
        if self.found.is_none() {
            self.found = Some((
                "Function calls not allowed: Functions may not be called here.".into(),
                call.span(),
            ));
        }
    }

    fn visit_expr(&mut self, e: &Expression) {
        if self.found.is_some() {
            return;
        }
        if let Expression::Variable(name) = e {
            if !self.bound.iter().any(|b| b == name.as_str()) {
                self.found = Some((
                    "Variables not allowed: Variables may not be used here.".into(),
                    name.span(),
                ));
                return;
            }
        }
        hcl_edit::visit::visit_expr(self, e);
    }

    fn visit_for_expr(&mut self, f: &ForExpr) {
        let intro = &f.intro;
        let names: Vec<String> = std::iter::once(intro.value_var.as_str().to_string())
            .chain(intro.key_var.as_ref().map(|k| k.as_str().to_string()))
            .collect();
        let n = names.len();
        self.bound.extend(names);
        hcl_edit::visit::visit_for_expr(self, f);
        self.bound.truncate(self.bound.len() - n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Option<String> {
        let e = hcl_edit::parser::parse_expr(text).unwrap();
        not_literal(&e).map(|(m, _)| m)
    }

    #[test]
    fn only_literals_are_allowed() {
        assert_eq!(check("\"eu-west-1\""), None);
        assert_eq!(check("{ a = [1, 2], b = \"${\"x\"}\" }"), None);
        assert_eq!(check("[for x in [1, 2] : x * 2]"), None);
        assert_eq!(
            check("file(\"/proc/self/environ\")").as_deref(),
            Some("Function calls not allowed: Functions may not be called here.")
        );
        assert_eq!(
            check("{ a = [upper(\"x\")] }").as_deref(),
            Some("Function calls not allowed: Functions may not be called here.")
        );
        assert_eq!(
            check("var.region").as_deref(),
            Some("Variables not allowed: Variables may not be used here.")
        );
    }
}
