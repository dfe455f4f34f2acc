//! Every function of the library, given a wholly unknown argument in any position, returns a
//! value (unknown, or with the known shape), never an error: Terraform plans such calls, and an
//! error here would drop whatever the expression feeds (a module's whole node group list,
//! through `compact(unknown)`).

use super::*;

/// A valid call of every function, as HCL argument expressions.
const SAMPLES: &[(&str, &[&str])] = &[
    ("abs", &["-1"]),
    ("alltrue", &["[true]"]),
    ("anytrue", &["[false]"]),
    ("base64decode", &["\"YQ==\""]),
    ("base64encode", &["\"a\""]),
    ("base64sha256", &["\"a\""]),
    ("base64sha512", &["\"a\""]),
    ("ceil", &["1.5"]),
    ("chunklist", &["[1, 2, 3]", "2"]),
    ("cidrhost", &["\"10.0.0.0/16\"", "5"]),
    ("cidrnetmask", &["\"10.0.0.0/16\""]),
    ("cidrsubnet", &["\"10.0.0.0/16\"", "4", "1"]),
    ("cidrsubnets", &["\"10.0.0.0/16\"", "4", "4"]),
    ("coalesce", &["\"\"", "\"a\""]),
    ("coalescelist", &["[]", "[1]"]),
    ("compact", &["[\"a\", \"\"]"]),
    ("concat", &["[1]", "[2]"]),
    ("contains", &["[1, 2]", "2"]),
    ("csvdecode", &["\"a,b\\n1,2\\n\""]),
    ("distinct", &["[1, 1]"]),
    ("element", &["[1, 2]", "3"]),
    ("endswith", &["\"abc\"", "\"c\""]),
    ("flatten", &["[[1], [2]]"]),
    ("floor", &["1.5"]),
    ("format", &["\"%s-%d\"", "\"a\"", "1"]),
    ("formatlist", &["\"%s-x\"", "[\"a\", \"b\"]"]),
    ("indent", &["2", "\"a\\nb\""]),
    ("index", &["[\"a\", \"b\"]", "\"b\""]),
    ("join", &["\",\"", "[\"a\", \"b\"]"]),
    ("jsondecode", &["\"{\\\"a\\\": 1}\""]),
    ("jsonencode", &["{ a = 1 }"]),
    ("keys", &["{ a = 1 }"]),
    ("length", &["[1, 2]"]),
    ("log", &["8", "2"]),
    ("lookup", &["{ a = 1 }", "\"a\"", "0"]),
    ("lower", &["\"A\""]),
    (
        "matchkeys",
        &["[\"a\", \"b\"]", "[\"x\", \"y\"]", "[\"y\"]"],
    ),
    ("max", &["1", "2"]),
    ("md5", &["\"a\""]),
    ("merge", &["{ a = 1 }", "{ b = 2 }"]),
    ("min", &["1", "2"]),
    ("nonsensitive", &["\"a\""]),
    ("one", &["[1]"]),
    ("parseint", &["\"ff\"", "16"]),
    ("pow", &["2", "3"]),
    ("range", &["1", "4"]),
    ("regex", &["\"[a-z]+\"", "\"abc1\""]),
    ("regexall", &["\"[a-z]\"", "\"ab\""]),
    ("replace", &["\"a-b\"", "\"-\"", "\"_\""]),
    ("reverse", &["[1, 2]"]),
    ("sensitive", &["\"a\""]),
    ("setintersection", &["[1, 2]", "[2]"]),
    ("setproduct", &["[1, 2]", "[\"a\"]"]),
    ("setsubtract", &["[1, 2]", "[2]"]),
    ("setunion", &["[1]", "[2]"]),
    ("sha1", &["\"a\""]),
    ("sha256", &["\"a\""]),
    ("sha512", &["\"a\""]),
    ("signum", &["-3"]),
    ("slice", &["[1, 2, 3]", "0", "2"]),
    ("sort", &["[\"b\", \"a\"]"]),
    ("split", &["\",\"", "\"a,b\""]),
    ("startswith", &["\"abc\"", "\"a\""]),
    ("strcontains", &["\"abc\"", "\"b\""]),
    ("strrev", &["\"abc\""]),
    ("substr", &["\"abcdef\"", "1", "3"]),
    ("sum", &["[1, 2]"]),
    ("title", &["\"a b\""]),
    ("tobool", &["true"]),
    ("tolist", &["[1]"]),
    ("tomap", &["{ a = 1 }"]),
    ("tonumber", &["\"1\""]),
    ("toset", &["[1, 1]"]),
    ("tostring", &["1"]),
    ("transpose", &["{ a = [\"x\"] }"]),
    ("trim", &["\"xax\"", "\"x\""]),
    ("trimprefix", &["\"xa\"", "\"x\""]),
    ("trimspace", &["\" a \""]),
    ("trimsuffix", &["\"ax\"", "\"x\""]),
    ("try", &["1"]),
    ("tuple", &["[1]"]),
    ("upper", &["\"a\""]),
    ("urlencode", &["\"a b\""]),
    ("values", &["{ a = 1 }"]),
    ("yamldecode", &["\"a: 1\""]),
    ("yamlencode", &["{ a = 1 }"]),
    ("zipmap", &["[\"a\"]", "[1]"]),
];

/// Every function `call` answers for, except those known only at apply time.
fn every_function() -> Vec<&'static str> {
    let mut names: Vec<&str> = [
        encoding::CALL,
        collections::LISTS_AND_MAPS,
        collections::SETS_AND_ORDER,
        network::CALL,
        strings::CALL,
        numeric::CALL,
    ]
    .concat();
    names.extend([
        "length", "slice", "concat", "element", "merge", "coalesce", "tolist", "tuple",
    ]);
    names.sort();
    names.dedup();
    names
}

fn args(texts: &[&str]) -> Vec<V> {
    texts
        .iter()
        .map(|t| crate::eval::eval_expr(t).unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect()
}

#[test]
fn every_function_has_a_sample_that_works() {
    for name in every_function() {
        let Some((_, sample)) = SAMPLES.iter().find(|(n, _)| *n == name) else {
            panic!("{name}() has no sample call in SAMPLES");
        };
        let out = call(name, args(sample));
        assert!(out.is_ok(), "{name}{sample:?}: {out:?}");
    }
}

#[test]
fn every_function_accepts_a_wholly_unknown_argument() {
    let mut failures = Vec::new();
    for (name, sample) in SAMPLES {
        for i in 0..sample.len() {
            let mut a = args(sample);
            a[i] = V::unknown("not known before apply");
            if let Err(e) = call(name, a) {
                failures.push(format!("{name}() with argument {} unknown: {e}", i + 1));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
