//! Zone-file escapes in lab names (RFC 1035 §5.1): `\DDD` is the octet with
//! decimal value DDD, `\X` is X itself. A DNS label may hold any octet, so a
//! hostile scenario can put ESC (`\027`) or a newline (`\010`) into a name;
//! hickory's text parser refuses those, so the labels are built from raw
//! bytes here.

use hickory_proto::rr::Name;

/// `raw` (already lowercased, with at least one `\`) as a name; absolute when
/// it ends with an unescaped `.`, otherwise relative.
pub(crate) fn parse_escaped(raw: &str) -> Result<Name, String> {
    let mut labels: Vec<Vec<u8>> = Vec::new();
    let mut label: Vec<u8> = Vec::new();
    let mut chars = raw.chars().peekable();
    let mut absolute = false;
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if label.is_empty() {
                    return Err(format!("`{}` has an empty label", raw.escape_debug()));
                }
                labels.push(std::mem::take(&mut label));
                absolute = chars.peek().is_none();
            }
            '\\' => match chars.next() {
                Some(d) if d.is_ascii_digit() => {
                    let mut digits = String::from(d);
                    for _ in 0..2 {
                        match chars.next() {
                            Some(d) if d.is_ascii_digit() => digits.push(d),
                            _ => {
                                return Err(format!(
                                    "`{}`: \\DDD needs three digits",
                                    raw.escape_debug()
                                ));
                            }
                        }
                    }
                    let byte: u8 = digits
                        .parse()
                        .map_err(|_| format!("`{}`: \\{digits} is over 255", raw.escape_debug()))?;
                    label.push(byte);
                }
                Some(x) => {
                    let mut buf = [0u8; 4];
                    label.extend_from_slice(x.encode_utf8(&mut buf).as_bytes());
                }
                None => return Err(format!("`{}` ends in a lone \\", raw.escape_debug())),
            },
            c => {
                let mut buf = [0u8; 4];
                label.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    if !label.is_empty() {
        labels.push(label);
    }
    let mut name =
        Name::from_labels(labels).map_err(|e| format!("`{}`: {e}", raw.escape_debug()))?;
    name.set_fqdn(absolute);
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_escapes_become_raw_octets() {
        let n = parse_escaped("evil\\027[31m.x.test.").unwrap();
        assert!(n.is_fqdn());
        let first: &[u8] = n.iter().next().unwrap();
        assert_eq!(first, b"evil\x1b[31m");
        let n = parse_escaped("a\\.b").unwrap();
        assert_eq!(n.num_labels(), 1);
        assert!(!n.is_fqdn());
        assert!(parse_escaped("a\\27").is_err());
        assert!(parse_escaped("a\\999").is_err());
    }
}
