//! The stylesheet's colour roles (`ui/styles.css`), checked against WCAG 2.1 AA: every pair of
//! text and background colours the stylesheet puts together reads at a contrast of at least
//! 4.5:1, in the light theme and in the dark one.

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    const STYLES: &str = include_str!("../styles.css");

    /// The custom properties declared in the block that starts with `selector {`.
    fn variables(selector: &str) -> HashMap<String, String> {
        let start = STYLES
            .find(&format!("{selector} {{"))
            .unwrap_or_else(|| panic!("no block {selector}"));
        let body = &STYLES[start..];
        let body = &body[body.find('{').unwrap_or(0) + 1..body.find('}').unwrap_or(body.len())];
        body.split(';')
            .filter_map(|decl| {
                let (name, value) = decl.split_once(':')?;
                let name = name.trim();
                name.starts_with("--")
                    .then(|| (name.to_owned(), value.trim().to_owned()))
            })
            .collect()
    }

    /// `#rrggbb` as relative luminance (WCAG 2.1).
    fn luminance(hex: &str) -> f64 {
        let hex = hex.trim_start_matches('#');
        assert_eq!(hex.len(), 6, "a colour as #rrggbb: {hex}");
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// (text, background) pairs as the stylesheet uses them: roles or literal colours.
    const PAIRS: &[(&str, &str)] = &[
        ("--text", "--bg"),
        ("--text", "--panel"),
        ("--text", "--own"),
        ("--text", "--other"),
        ("--text", "--hover"),
        ("--text", "--active"),
        ("--text", "--input-bg"),
        ("--text", "--pinned-bg"),
        ("--text", "--mark"),
        ("--muted", "--bg"),
        ("--muted", "--panel"),
        ("--muted", "--own"),
        ("--muted", "--other"),
        ("--muted", "--chip"),
        ("--muted", "--hover"),
        ("--accent", "--bg"),
        ("--accent", "--panel"),
        ("--accent", "--active"),
        ("--accent-text", "--accent"),
        ("--accent-text", "--accent-hover"),
        ("--warn", "--warn-bg"),
        ("--danger", "--danger-bg"),
        ("--danger", "--panel"),
        ("--ok", "--ok-bg"),
        ("--badge-text", "--badge-bg"),
        ("--avatar-text", "--avatar-bg"),
        ("--danger-text", "--danger"),
    ];

    fn check(theme: &str, vars: &HashMap<String, String>) -> Vec<String> {
        let mut failures = Vec::new();
        for (fg, bg) in PAIRS {
            let (Some(f), Some(b)) = (vars.get(*fg), vars.get(*bg)) else {
                failures.push(format!("{theme}: {fg} or {bg} is not declared"));
                continue;
            };
            let ratio = contrast(f, b);
            if ratio < 4.5 {
                failures.push(format!("{theme}: {fg} {f} on {bg} {b} is {ratio:.2}:1"));
            }
        }
        failures
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_on_its_backgrounds_in_both_themes() {
        let light = variables(":root");
        let mut dark = light.clone();
        dark.extend(variables(":root[data-theme=\"dark\"]"));
        let mut failures = check("light", &light);
        failures.extend(check("dark", &dark));
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn white_text_is_not_written_on_a_role_colour_directly() {
        // Text on a coloured role takes that role's text colour, so the dark theme can differ.
        for line in STYLES.lines() {
            if line.contains("background: var(--danger)")
                || line.contains("background: var(--accent)")
            {
                assert!(
                    !line.contains("color: #ffffff"),
                    "use the role's text colour: {line}"
                );
            }
        }
    }

    #[test]
    fn the_contrast_formula_matches_known_values() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 0.01);
        assert!((contrast("#767676", "#ffffff") - 4.54).abs() < 0.01);
    }
}
