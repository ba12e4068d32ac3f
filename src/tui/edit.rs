//! The inline address field (`e`): a one-line editor with a cursor and the
//! last validation error.

/// Text being edited; `cursor` counts characters, not bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditField {
    pub text: String,
    pub cursor: usize,
    /// Why the last Enter was refused (D1 message), until the next edit.
    pub error: Option<String>,
}

impl EditField {
    pub fn new(text: &str) -> EditField {
        EditField {
            text: text.to_string(),
            cursor: text.chars().count(),
            error: None,
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        self.error = None;
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
            self.error = None;
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
            self.error = None;
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
        self.error = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_at_the_cursor_with_multibyte_text() {
        let mut f = EditField::new("bücher.test");
        f.home();
        f.right();
        f.right();
        f.backspace(); // removes ü
        assert_eq!(f.text, "bcher.test");
        f.insert('ü');
        assert_eq!(f.text, "bücher.test");
        f.end();
        f.insert('x');
        assert_eq!(f.text, "bücher.testx");
        f.home();
        f.delete();
        assert_eq!(f.text, "ücher.testx");
        f.clear();
        assert_eq!((f.text.as_str(), f.cursor), ("", 0));
    }
}
