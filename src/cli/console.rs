//! What the commands print to the console, as the console can show it.

/// Text for standard output: on a console whose font lacks the symbols (the
/// classic Windows console, or `SIPSCOPE_ASCII=1`), folded to ASCII as the
/// dashboard folds its screen; a file or a pipe gets the text as it is.
pub fn for_console(text: String) -> String {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() && crate::tui::ascii::wanted() {
        crate::tui::ascii::fold_text(&text)
    } else {
        text
    }
}
