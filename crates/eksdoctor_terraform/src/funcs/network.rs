//! IP network functions: `cidrsubnet`, `cidrsubnets`, `cidrhost`, `cidrnetmask`.

use super::*;

group! {
    /// IP network functions.
    call(name, a), CALL;
    "cidrsubnet" => {
        let net = cidr_arg(a, 0)?;
        let newbits = int_arg(a, 1, name)?;
        let netnum = int_arg(a, 2, name)?;
        cidrsubnet(net, newbits, netnum).map(|n| V::str(n.to_string()))
    }
    "cidrsubnets" => {
        let net = cidr_arg(a, 0)?;
        let bits: Vec<i64> = (1..a.len())
            .map(|i| int_arg(a, i, name))
            .collect::<R<_>>()?;
        cidrsubnets(net, &bits)
            .map(|v| V::list(v.into_iter().map(|n| V::str(n.to_string())).collect()))
    }
    "cidrhost" => {
        let net = cidr_arg(a, 0)?;
        let host = int_arg(a, 1, name)?;
        cidrhost(net, host).map(|ip| V::str(ip.to_string()))
    }
    "cidrnetmask" => {
        let net = cidr_arg(a, 0)?;
        match net {
            IpNet::V4(n) => Ok(V::str(n.netmask().to_string())),
            IpNet::V6(_) => Err("cidrnetmask: only IPv4 prefixes have a netmask".into()),
        }
    }
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub fn cidrsubnet(net: IpNet, newbits: i64, netnum: i64) -> R<IpNet> {
    let max = if net.addr().is_ipv4() { 32 } else { 128 };
    if newbits < 0 || netnum < 0 {
        return Err("cidrsubnet: newbits and netnum must not be negative".into());
    }
    let newlen = net.prefix_len() as i64 + newbits;
    if newlen > max {
        return Err(format!(
            "cidrsubnet: insufficient address space to extend prefix of {} by {newbits}",
            net.prefix_len()
        ));
    }
    if newbits < 64 && netnum >= (1i64 << newbits) {
        return Err(format!(
            "cidrsubnet: prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let shift = (max - newlen) as u32;
    match net.trunc() {
        IpNet::V4(n) => {
            let base = u32::from(n.network()) as u64;
            let addr = base + ((netnum as u64) << shift);
            Ok(IpNet::V4(
                Ipv4Net::new(Ipv4Addr::from(addr as u32), newlen as u8)
                    .map_err(|e| e.to_string())?,
            ))
        }
        IpNet::V6(n) => {
            let base = u128::from(n.network());
            let addr = base + ((netnum as u128).checked_shl(shift).unwrap_or(0));
            Ok(IpNet::V6(
                Ipv6Net::new(Ipv6Addr::from(addr), newlen as u8).map_err(|e| e.to_string())?,
            ))
        }
    }
}

/// `cidrsubnets(prefix, newbits...)`: consecutive, aligned allocations.
pub fn cidrsubnets(net: IpNet, bits: &[i64]) -> R<Vec<IpNet>> {
    let max = if net.addr().is_ipv4() { 32u32 } else { 128 };
    let base = match net.trunc() {
        IpNet::V4(n) => u32::from(n.network()) as u128,
        IpNet::V6(n) => u128::from(n.network()),
    };
    let end = base + (1u128 << (max - net.prefix_len() as u32)).wrapping_sub(0);
    let mut next = base;
    let mut out = Vec::new();
    for &b in bits {
        if b < 1 {
            return Err("cidrsubnets: each newbits must be at least 1".into());
        }
        let newlen = net.prefix_len() as i64 + b;
        if newlen > max as i64 {
            return Err("cidrsubnets: not enough address space".into());
        }
        let size = 1u128 << (max as i64 - newlen);
        let start = next.div_ceil(size) * size;
        if start + size > end {
            return Err("cidrsubnets: not enough remaining address space".into());
        }
        out.push(match net {
            IpNet::V4(_) => IpNet::V4(
                Ipv4Net::new(Ipv4Addr::from(start as u32), newlen as u8)
                    .map_err(|e| e.to_string())?,
            ),
            IpNet::V6(_) => IpNet::V6(
                Ipv6Net::new(Ipv6Addr::from(start), newlen as u8).map_err(|e| e.to_string())?,
            ),
        });
        next = start + size;
    }
    Ok(out)
}

/// `cidrhost(prefix, hostnum)`; a negative hostnum counts from the end.
pub fn cidrhost(net: IpNet, host: i64) -> R<IpAddr> {
    let max = if net.addr().is_ipv4() { 32u32 } else { 128 };
    let hostbits = max - net.prefix_len() as u32;
    let size: u128 = if hostbits >= 128 {
        u128::MAX
    } else {
        1u128 << hostbits
    };
    let h: u128 = if host < 0 {
        let back = host.unsigned_abs() as u128;
        if back > size {
            return Err(format!("cidrhost: prefix of {} has no host {host}", net));
        }
        size - back
    } else {
        if host as u128 >= size {
            return Err(format!(
                "cidrhost: prefix of {} does not accommodate a host numbered {host}",
                net.prefix_len()
            ));
        }
        host as u128
    };
    Ok(match net.trunc() {
        IpNet::V4(n) => IpAddr::V4(Ipv4Addr::from(u32::from(n.network()) + h as u32)),
        IpNet::V6(n) => IpAddr::V6(Ipv6Addr::from(u128::from(n.network()) + h)),
    })
}
