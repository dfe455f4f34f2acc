//! Models of the terraform-aws-modules/iam IRSA role modules.

use super::*;

// terraform-aws-modules/iam/aws//modules/iam-assumable-role-with-oidc (v3 to v5; gone in v6).
// Read from the module's main.tf and variables.tf (v5.x): no role unless `create_role = true`;
// one trust statement per provider URL (`provider_url` and `provider_urls`, `https://`
// removed), with `StringEquals <url>:sub` from `oidc_fully_qualified_subjects`, `StringLike
// <url>:sub` from `oidc_subjects_with_wildcards` and `StringLike <url>:aud` from
// `oidc_fully_qualified_audiences`, each only when its list is not empty; `role_policy_arns`
// attached.

pub(super) fn assumable_role_with_oidc(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let raddr = format!("{addr}.aws_iam_role.this[0]");
    let at = cx.call_at.clone();
    let (create, _) = cx.input_or("create_role", |_| Some(V::Bool(false)));
    match create.as_bool() {
        Some(true) => {}
        Some(false) => return outputs(&addr, BTreeMap::new()),
        None => {
            cx.notes.push(format!(
                "{addr}: `create_role` is not known; its role is not scanned"
            ));
            return outputs(&addr, BTreeMap::new());
        }
    }
    // The provider URLs as text, unknown parts as `*` (their pattern when they have one).
    let text = |v: &V| -> Option<String> {
        match v {
            V::Str(x) => Some(x.to_string()),
            V::Unknown(u) => Some(u.pattern.clone().unwrap_or_else(|| "*".into())),
            _ => None,
        }
    };
    let mut urls: Vec<String> = Vec::new();
    let mut unknown = None;
    if let Some((list, _)) = cx.input("provider_urls") {
        match list.as_list() {
            Some(l) => urls.extend(l.iter().filter_map(text)),
            None => unknown = Some("provider_urls is not known"),
        }
    }
    if let Some((one, _)) = cx.input("provider_url") {
        urls.extend(text(&one));
    }
    let mut urls: Vec<String> = urls
        .into_iter()
        .filter(|u| !u.is_empty())
        .map(|u| u.replace("https://", ""))
        .collect();
    urls.dedup();
    let list_input = |cx: &Ctx, name: &str| -> Result<Vec<V>, ()> {
        match cx.input(name) {
            None => Ok(Vec::new()),
            Some((v, _)) => v.as_list().map(<[V]>::to_vec).ok_or(()),
        }
    };
    let subjects = list_input(cx, "oidc_fully_qualified_subjects");
    let wildcards = list_input(cx, "oidc_subjects_with_wildcards");
    let audiences = list_input(cx, "oidc_fully_qualified_audiences");
    let (Ok(subjects), Ok(wildcards), Ok(audiences)) = (subjects, wildcards, audiences) else {
        let why = "its OIDC subject or audience lists are not known";
        return finish_role(cx, &addr, &raddr, (&at, &at), Err(why), Vec::new());
    };
    let statements: Vec<V> = urls
        .iter()
        .map(|url| {
            let mut cond = BTreeMap::new();
            for (test, key, values) in [
                ("StringEquals", "sub", &subjects),
                ("StringLike", "sub", &wildcards),
                ("StringLike", "aud", &audiences),
            ] {
                if values.is_empty() {
                    continue;
                }
                let entry = cond
                    .entry(test.to_string())
                    .or_insert_with(|| V::obj(BTreeMap::new()));
                if let V::Obj(m) = entry {
                    let mut m2 = (**m).clone();
                    m2.insert(format!("{url}:{key}"), V::list(values.clone()));
                    *entry = V::Obj(std::sync::Arc::new(m2));
                }
            }
            let federated = V::Unknown(std::sync::Arc::new(crate::value::Unk {
                pattern: Some(format!("arn:*:iam::*:oidc-provider/{url}")),
                ..crate::value::Unk::because("the account and partition are read at plan time")
            }));
            let mut st = vec![
                ("Effect", s("Allow")),
                ("Action", s("sts:AssumeRoleWithWebIdentity")),
                ("Principal", obj(vec![("Federated", federated)])),
            ];
            if !cond.is_empty() {
                st.push(("Condition", V::obj(cond)));
            }
            obj(st)
        })
        .collect();
    let doc = obj(vec![
        ("Version", s("2012-10-17")),
        ("Statement", V::list(statements)),
    ]);
    finish_role(
        cx,
        &addr,
        &raddr,
        (&at, &at),
        unknown.map_or(Ok(doc), Err),
        Vec::new(),
    )
}

/// The role of an IRSA module: its trust policy (a document whose principals are known after
/// apply, or the reason it is not known; written at `trust_at`) and the managed policies
/// (`policies`, then those of `role_policy_arns`).
pub(super) fn finish_role(
    cx: &mut Ctx,
    addr: &str,
    raddr: &str,
    (at, trust_at): (&Prov, &Prov),
    trust: Result<V, &str>,
    mut policies: Vec<V>,
) -> V {
    let mut rb = RBody::new(at.clone());
    let trust = match trust {
        Ok(doc) => V::Unknown(std::sync::Arc::new(crate::value::Unk {
            partial: Some(doc),
            ..crate::value::Unk::because("the OIDC provider ARN is known after apply")
        })),
        Err(why) => V::unknown(why),
    };
    rb.set("assume_role_policy", trust, trust_at.clone());
    if let Some((extra, _)) = cx.input("role_policy_arns") {
        match &extra {
            V::Obj(m) => policies.extend(m.values().cloned()),
            V::List(l) => policies.extend(l.iter().cloned()),
            _ => {}
        }
    }
    rb.set("managed_policy_arns", V::list(policies), at.clone());
    cx.res(raddr.to_string(), "aws_iam_role", rb);
    let mut known = BTreeMap::new();
    known.insert("iam_role_arn".into(), V::computed(raddr, "arn"));
    known.insert("iam_role_name".into(), V::computed(raddr, "name"));
    outputs(addr, known)
}

// terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts(-eks)

pub(super) fn irsa_role(cx: &mut Ctx) -> V {
    let addr = cx.addr.to_string();
    let raddr = format!("{addr}.aws_iam_role.this[0]");
    let at = cx.call_at.clone();
    let (providers, p_at) = cx.input_or("oidc_providers", |_| Some(V::obj(BTreeMap::new())));
    let (test, _) = cx.input_or("assume_role_condition_test", |_| Some(s("StringEquals")));
    let test = test.as_str().unwrap_or("StringEquals").to_string();
    let mut statements = Vec::new();
    let mut unknown = false;
    match providers.as_obj() {
        Some(m) => {
            for (_, p) in m.iter() {
                let sas = p
                    .get("namespace_service_accounts")
                    .cloned()
                    .unwrap_or(V::list(vec![]));
                let subs: Vec<V> = sas
                    .as_list()
                    .map(|l| {
                        l.iter()
                            .map(|x| match x.as_str() {
                                Some(nsa) => s(&format!("system:serviceaccount:{nsa}")),
                                None => x.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if sas.as_list().is_none() {
                    unknown = true;
                }
                let mut cond = BTreeMap::new();
                let mut inner = BTreeMap::new();
                inner.insert("*:sub".to_string(), V::list(subs));
                inner.insert("*:aud".to_string(), s("sts.amazonaws.com"));
                cond.insert(test.clone(), V::obj(inner));
                statements.push(obj(vec![
                    ("Effect", s("Allow")),
                    ("Action", s("sts:AssumeRoleWithWebIdentity")),
                    (
                        "Principal",
                        obj(vec![(
                            "Federated",
                            p.get("provider_arn")
                                .cloned()
                                .unwrap_or(V::unknown("provider_arn is not set")),
                        )]),
                    ),
                    ("Condition", V::obj(cond)),
                ]));
            }
        }
        None => unknown = true,
    }
    let doc = obj(vec![
        ("Version", s("2012-10-17")),
        ("Statement", V::list(statements)),
    ]);
    let mut policies = Vec::new();
    for (flag, arn) in [
        (
            "attach_vpc_cni_policy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ),
        ("attach_ebs_csi_policy", "(module policy) EBS CSI driver"),
    ] {
        if cx.input(flag).and_then(|(v, _)| v.as_bool()) == Some(true) {
            policies.push(s(arn));
        }
    }
    let trust = if unknown {
        Err("oidc_providers is not known")
    } else {
        Ok(doc)
    };
    finish_role(cx, &addr, &raddr, (&at, &p_at), trust, policies)
}
