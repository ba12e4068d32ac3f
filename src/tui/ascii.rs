//! The ASCII screen: every symbol the dashboard draws, folded to ASCII after
//! rendering, for a console font without them (the classic Windows console
//! does no font fallback: ✓, ✗, ⚠, ▶ and the braille spinner show as boxes
//! in Consolas or Lucida Console). One pass over the finished frame, so no
//! widget has to know.
//!
//! When: `SIPSCOPE_ASCII=1` turns it on, `SIPSCOPE_ASCII=0` off; otherwise it
//! is on only on Windows outside Windows Terminal (`WT_SESSION` unset) and
//! outside terminals that say who they are (`TERM_PROGRAM`, ConEmu).

use ratatui::buffer::Buffer;

/// The ASCII stand-in for a symbol the dashboard draws; `None` keeps it.
pub fn fold_symbol(symbol: &str) -> Option<&'static str> {
    let mut chars = symbol.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    if c.is_ascii() {
        return None;
    }
    Some(match c {
        '✓' | '✔' => "+",
        '✗' | '✘' => "x",
        // The statuses (model::Status::symbol) first.
        '⚠' | '⚑' => "!",
        '∅' => "-",
        '⊘' => "/",
        '○' => "o",
        '≈' => "?",
        '≠' => "~",
        '×' => "x",
        '▶' | '▸' | '›' | '→' | '►' => ">",
        '◀' | '◂' | '‹' | '←' | '◄' => "<",
        '↑' => "^",
        '↓' => "v",
        '…' | '·' | '•' => ".",
        '–' | '—' | '─' | '━' | '═' => "-",
        '│' | '┃' | '║' => "|",
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╰' | '╯' => {
            "+"
        }
        '╔' | '╗' | '╚' | '╝' | '┏' | '┓' | '┗' | '┛' => "+",
        '█' | '▉' | '▊' | '▋' | '▌' | '▍' | '▎' | '▏' | '▒' | '░' | '▓' => {
            "#"
        }
        // The spinner (braille): a turning bar, from the dot pattern.
        '\u{2800}'..='\u{28FF}' => ["|", "/", "-", "\\"][(c as usize) % 4],
        _ => return None,
    })
}

/// Folds every cell of `buffer` (the finished frame) to ASCII where a
/// stand-in is known; other text (a name, an accented letter) stays.
pub fn fold(buffer: &mut Buffer) {
    for cell in buffer.content.iter_mut() {
        if let Some(ascii) = fold_symbol(cell.symbol()) {
            cell.set_symbol(ascii);
        }
    }
}

/// `text` with every symbol that has a stand-in folded to ASCII (`check`'s
/// table and verdict on the same console); escape sequences are ASCII and
/// pass unchanged.
pub fn fold_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        match fold_symbol(c.encode_utf8(&mut buf)) {
            Some(ascii) => out.push_str(ascii),
            None => out.push(c),
        }
    }
    out
}

/// Whether to draw ASCII only: `SIPSCOPE_ASCII` if set (`1`/`true`/`yes`/`on`
/// or `0`/`false`/`no`/`off`), else the platform's guess.
pub fn wanted() -> bool {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    decide(
        std::env::var("SIPSCOPE_ASCII").ok().as_deref(),
        cfg!(windows),
        var("WT_SESSION").is_some() || var("TERM_PROGRAM").is_some() || var("ConEmuANSI").is_some(),
    )
}

/// The decision, apart from the environment (tested on every platform).
pub fn decide(setting: Option<&str>, windows: bool, modern_terminal: bool) -> bool {
    match setting.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        Some("1" | "true" | "yes" | "on") => true,
        Some("0" | "false" | "no" | "off") => false,
        // Unset or unknown: the guess (an unknown value is not worth an error
        // that would keep the dashboard from starting).
        _ => windows && !modern_terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // check's text on the classic console: symbols folded, names kept.
    #[test]
    fn text_is_folded_symbol_by_symbol() {
        let row = "▶ 1  _sipinternaltls._tcp.café.test  ✓ found  ◀ client uses this · 2 ms";
        assert_eq!(
            fold_text(row),
            "> 1  _sipinternaltls._tcp.café.test  + found  < client uses this . 2 ms"
        );
        assert_eq!(fold_text("\x1b[1mok\x1b[0m"), "\x1b[1mok\x1b[0m");
    }

    #[test]
    fn the_setting_wins_over_the_guess() {
        assert!(decide(Some("1"), false, true));
        assert!(decide(Some(" ON "), false, false));
        assert!(!decide(Some("0"), true, false));
        assert!(!decide(Some("off"), true, false));
    }

    #[test]
    fn the_guess_is_ascii_only_on_the_classic_windows_console() {
        assert!(decide(None, true, false));
        assert!(!decide(None, true, true), "Windows Terminal has the glyphs");
        assert!(
            !decide(None, false, false),
            "Unix terminals keep the symbols"
        );
        assert!(decide(Some("maybe"), true, false));
    }

    #[test]
    fn symbols_fold_and_text_stays() {
        assert_eq!(fold_symbol("✓"), Some("+"));
        assert_eq!(fold_symbol("◀"), Some("<"));
        assert_eq!(fold_symbol("⠋"), fold_symbol("⠋"));
        assert!(fold_symbol("⠋").is_some_and(|s| s.is_ascii()));
        assert_eq!(fold_symbol("a"), None);
        assert_eq!(fold_symbol("ü"), None);
        assert_eq!(fold_symbol(""), None);
    }
}
