//! Fitting the records table into its width (issue #13 item 7): columns
//! have priorities. The least useful go first (time, address, type), then
//! the note shrinks, then the target host (cut in the middle, never its
//! port), then the query name (cut in the middle, so `_sipinternaltls._tcp`
//! and `_sipinternal._tcp` stay apart); `#` and the status never shrink.
//! Every cut is marked with `…`. The widths become ratatui constraints.

use ratatui::layout::Constraint;

/// How a column gives way when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Give {
    /// Never narrower than its widest cell.
    Fixed,
    /// Cut at the end (the note).
    End,
    /// Cut in the middle of the host, keeping `:port` (the target).
    HostMiddle,
    /// Cut in the middle, keeping more of the end (the query name).
    Middle,
}

#[derive(Debug, Clone)]
pub struct Col {
    /// Index of the cell in a row.
    pub cell: usize,
    pub title: &'static str,
    /// The widest cell (or the title).
    pub width: usize,
    /// The narrowest it may be squeezed to.
    pub min: usize,
    /// Lowest dropped first; 0 = never dropped.
    pub drop_order: u8,
    /// Lowest shrinks first (among columns that are not `Fixed`).
    pub shrink_order: u8,
    pub give: Give,
}

/// Width of `cols` with one space between columns.
fn total(cols: &[Col], f: impl Fn(&Col) -> usize) -> usize {
    cols.iter()
        .map(|c| f(c) + 1)
        .sum::<usize>()
        .saturating_sub(1)
}

fn drop_next(cols: &mut Vec<Col>, up_to: u8) -> bool {
    let pos = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| c.drop_order > 0 && c.drop_order <= up_to)
        .min_by_key(|(_, c)| c.drop_order)
        .map(|(pos, _)| pos);
    pos.map(|p| cols.remove(p)).is_some()
}

/// Chooses the columns and their widths for `avail` cells. The first three
/// droppable columns go while the natural widths do not fit; the others only
/// while even the minimums do not. Then the shrinkable columns give way in
/// their order, each down to its minimum before the next one gives.
pub fn fit(mut cols: Vec<Col>, avail: usize) -> Vec<Col> {
    while total(&cols, |c| c.width) > avail && drop_next(&mut cols, 3) {}
    while total(&cols, |c| c.min) > avail && drop_next(&mut cols, u8::MAX) {}
    let mut over = total(&cols, |c| c.width).saturating_sub(avail);
    let mut order: Vec<usize> = (0..cols.len())
        .filter(|&i| cols[i].give != Give::Fixed)
        .collect();
    order.sort_by_key(|&i| cols[i].shrink_order);
    for i in order {
        let c = &mut cols[i];
        let cut = over.min(c.width - c.min);
        c.width -= cut;
        over -= cut;
    }
    cols
}

/// The constraints for the fitted columns: their widths, the note (last)
/// taking whatever is left.
pub fn constraints(cols: &[Col]) -> Vec<Constraint> {
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            if i + 1 == cols.len() && c.give == Give::End {
                Constraint::Fill(1)
            } else {
                Constraint::Length(c.width as u16)
            }
        })
        .collect()
}

/// `text` cut to `width` characters the column's way, the cut marked `…`.
pub fn cut(text: &str, width: usize, give: Give) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_string();
    }
    match give {
        Give::Fixed | Give::End => crate::text::clip(text, width),
        Give::Middle => middle(text, width, (width.saturating_sub(1)) / 3),
        Give::HostMiddle => match text.rsplit_once(':') {
            Some((host, port)) if width > port.chars().count() + 2 => {
                let room = width - port.chars().count() - 1;
                format!("{}:{port}", middle(host, room, room.saturating_sub(1) / 2))
            }
            _ => crate::text::clip(text, width),
        },
    }
}

/// The first `head` characters, `…`, and as many of the last as fit.
fn middle(text: &str, width: usize, head: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let tail = width - 1 - head.min(width - 1);
    let mut out: String = chars[..head.min(width - 1)].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_are_marked_and_keep_the_port_and_the_tail() {
        assert_eq!(
            cut("sip.cname.test:443", 17, Give::HostMiddle),
            "sip.cn…e.test:443"
        );
        assert!(cut("pool.healthy.test:5061", 20, Give::HostMiddle).ends_with(":5061"));
        assert_eq!(
            cut("pool.healthy.test:5061", 20, Give::HostMiddle)
                .chars()
                .count(),
            20
        );
        let a = cut("_sipinternaltls._tcp", 14, Give::Middle);
        let b = cut("_sipinternal._tcp", 14, Give::Middle);
        assert_ne!(a, b);
        assert!(a.contains('…') && a.ends_with("._tcp"), "{a}");
        assert_eq!(cut("◀ client uses this", 5, Give::End), "◀ cl…");
        assert_eq!(cut("short", 9, Give::Middle), "short");
    }
}
