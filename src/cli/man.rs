//! `sipscope man`: one page, `sipscope(1)`, from the same definitions as
//! `--help`. clap_mangen writes the title, name, description and options;
//! the synopsis (its own would list the hidden words the dashboard refuses)
//! and the commands (its own cite a `sipscope-check(1)` per command that is
//! not shipped) are written here: every command with its usage, what it
//! does and its own options, on this page.

use std::io::Write;

/// The page (roff) for `cmd`, the whole command line.
pub fn render(cmd: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut w = Vec::new();
    man.render_title(&mut w)?;
    // Each section clap_mangen renders repeats the page's two-line preamble.
    let section = |w: &mut Vec<u8>, f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut one = Vec::new();
        f(&mut one)?;
        let text = String::from_utf8_lossy(&one).into_owned();
        for line in text
            .lines()
            .filter(|l| !l.starts_with(".ie \\n(.g") && !l.starts_with(".el .ds Aq"))
        {
            writeln!(w, "{line}")?;
        }
        Ok::<(), std::io::Error>(())
    };
    section(&mut w, &|o| man.render_name_section(o))?;
    w.write_all(
        b".SH SYNOPSIS\n\\fBsipscope\\fR [\\fIOPTIONS\\fR] [\\fIADDRESS\\fR]\n.br\n\
          \\fBsipscope\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n",
    )?;
    section(&mut w, &|o| man.render_description_section(o))?;
    section(&mut w, &|o| man.render_options_section(o))?;
    w.write_all(commands(&cmd).as_bytes())?;
    if let Some(after) = cmd.get_after_long_help() {
        w.write_all(b".SH EXAMPLES AND KEYS\n.nf\n")?;
        for line in after.to_string().lines() {
            w.write_all(format!("{}\n", text(line)).as_bytes())?;
        }
        w.write_all(b".fi\n")?;
    }
    section(&mut w, &|o| man.render_version_section(o))?;
    Ok(w)
}

/// Roff for plain text: backslashes and hyphens escaped, no line read as a request.
fn text(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}

/// `[NAME]` / `NAME` for each visible positional argument of `cmd`.
fn positionals(cmd: &clap::Command) -> String {
    let mut out = String::new();
    for a in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let name = a
            .get_value_names()
            .and_then(|n| n.first())
            .map_or_else(|| a.get_id().to_string(), ToString::to_string);
        let name = format!("\\fI{}\\fR", text(&name));
        out.push(' ');
        out.push_str(&if a.is_required_set() {
            name
        } else {
            format!("[{name}]")
        });
    }
    out
}

/// The COMMANDS section: each command's usage line, what it does, and the
/// options it has beyond the global ones and the dashboard's shared ones.
fn commands(cmd: &clap::Command) -> String {
    let shared = |id: &str| cmd.get_arguments().any(|a| a.get_id() == id);
    let mut out = String::from(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let with_subs: Vec<&clap::Command> = match sub.has_subcommands() {
            true => sub.get_subcommands().filter(|s| !s.is_hide_set()).collect(),
            false => vec![sub],
        };
        for (i, leaf) in with_subs.iter().enumerate() {
            let words = if std::ptr::eq(*leaf, sub) {
                sub.get_name().to_string()
            } else {
                format!("{} {}", sub.get_name(), leaf.get_name())
            };
            // The first usage is the tag; the others open the body, a line each.
            if i == 0 {
                out.push_str(".TP\n");
            }
            out.push_str(&format!(
                "\\fBsipscope {}\\fR [\\fIOPTIONS\\fR]{}\n",
                text(&words),
                positionals(leaf)
            ));
            if i > 0 {
                out.push_str(".br\n");
            }
        }
        if let Some(about) = sub.get_about() {
            out.push_str(&format!("{}\n", text(&about.to_string())));
        }
        let takes_sweep_options = sub.get_arguments().any(|a| a.get_id() == "resolvers");
        let own: Vec<&clap::Arg> = sub
            .get_arguments()
            .filter(|a| a.get_long().is_some() && !a.is_hide_set() && !a.is_global_set())
            .filter(|a| !(takes_sweep_options && shared(a.get_id().as_str())))
            .filter(|a| a.get_id() != "help")
            .collect();
        if !own.is_empty() || takes_sweep_options {
            out.push_str(".RS\n");
            for a in own {
                let value = a
                    .get_value_names()
                    .and_then(|n| n.first())
                    .filter(|_| a.get_action().takes_values())
                    .map_or_else(String::new, |v| format!(" \\fI{}\\fR", text(v)));
                out.push_str(&format!(
                    ".TP\n\\fB\\-\\-{}\\fR{value}\n{}\n",
                    text(a.get_long().unwrap_or_default()),
                    text(&a.get_help().map(ToString::to_string).unwrap_or_default())
                ));
            }
            if takes_sweep_options {
                out.push_str(".PP\nand the sweep options above\n");
            }
            out.push_str(".RE\n");
        }
    }
    out.push_str(".PP\n`sipscope help COMMAND` prints a command's options with examples.\n");
    out
}
