//! `subject find`, `subject export` and `subject erase`: requests → one search over
//! the sources for the whole batch → report, package or plan.

use super::scan::{limits_of, load_config, parse_delimiter, today};
use super::{commit, load_rules, write_output};
use crate::ExitStatus;
use crate::cli::InputArgs;
use crate::cli::subject::{
    SubjectCommand, SubjectEraseArgs, SubjectExportArgs, SubjectFindArgs, SubjectFormat, WhoArgs,
};
use crate::input_guard::Inputs;
use crate::output_target::Outputs;
use crate::subject::identity::Normaliser;
use crate::subject::request::{
    Request, RequestType, SubjectSpec, load_requests, load_subject_file,
};
use crate::subject::walk::SearchOptions;
use crate::subject::{FindResult, SearchRules, candidate_rules, erase, report};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;

pub fn subject_command(cmd: SubjectCommand, quiet: bool) -> Result<ExitStatus> {
    match cmd {
        SubjectCommand::Find(a) => find_command(&a, quiet),
        SubjectCommand::Export(a) => export_command(&a, quiet),
        SubjectCommand::Erase(a) => erase_command(&a, quiet),
    }
}

/// A finished search and what it was judged against.
struct Searched {
    found: FindResult,
    norm: Normaliser,
    policy: Option<crate::policy::Config>,
    as_of: jiff::civil::Date,
    /// What the search read, for the checks of every writer.
    inputs: Inputs,
}

fn requests(who: &WhoArgs, norm: &Normaliser) -> Result<Vec<Request>> {
    let on_line = !(who.email.is_empty()
        && who.phone.is_empty()
        && who.national_id.is_empty()
        && who.name.is_empty()
        && who.customer_id.is_empty());
    if on_line && (who.subject_file.is_some() || who.requests.is_some()) {
        bail!(
            "give identifiers either on the command line or in --subject-file / --requests, not both"
        );
    }
    if let Some(p) = &who.requests {
        return Ok(load_requests(p, norm)?);
    }
    if let Some(p) = &who.subject_file {
        return Ok(vec![load_subject_file(p, norm)?]);
    }
    if !on_line {
        bail!(
            "no subject: give --subject-file, --requests or an identifier (--email, --phone, --national-id, --name, --customer-id)"
        );
    }
    let spec = SubjectSpec {
        request_id: who.request_id.clone(),
        received: who.received.clone(),
        kind: None,
        email: who.email.clone().into(),
        phone: who.phone.clone().into(),
        national_id: who.national_id.clone().into(),
        name: who.name.clone().into(),
        customer_id: who.customer_id.clone().into(),
    };
    Ok(vec![spec.into_request(
        "the command line",
        "request-1",
        norm,
    )?])
}

fn search(
    input: &InputArgs,
    who: &WhoArgs,
    capture: bool,
    show_values: bool,
    quiet: bool,
    kind: Option<RequestType>,
) -> Result<Searched> {
    if input.threads == Some(0) {
        bail!("--threads must be at least 1");
    }
    let as_of = match &input.as_of {
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .with_context(|| format!("--as-of `{d}` is not a date (YYYY-MM-DD)"))?,
        None => today(),
    };
    let norm = Normaliser::new(&who.region, i32::from(as_of.year())).map_err(anyhow::Error::msg)?;
    let mut reqs = requests(who, &norm)?;
    if let Some(k) = kind {
        // `erase` plans erasure, except for rectification requests of a batch.
        for r in reqs
            .iter_mut()
            .filter(|r| r.kind != RequestType::Rectification)
        {
            r.kind = k;
        }
    }
    let delimiter = input
        .delimiter
        .as_deref()
        .map(parse_delimiter)
        .transpose()?;
    let column_rules = load_rules(&input.rules)?;
    let candidates = candidate_rules()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("the bundled rules could not be loaded")?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let policy = load_config(input, &cwd, quiet)?.map(|(config, _)| config);
    let limits = limits_of(&input.limits);
    let opts = SearchOptions {
        limits: limits.clone(),
        delimiter,
        policy: policy.clone().map(std::sync::Arc::new),
        capture,
        show_values,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(input.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let discovery = crate::source::discover(&input.paths, &limits);
    let inputs = Inputs::new(&input.paths).with_found(
        discovery
            .sources
            .iter()
            .map(|s| (s.path.as_path(), s.display.as_str())),
    );
    let rules = SearchRules {
        columns: &column_rules,
        candidates: &candidates,
    };
    let mut found = pool.install(|| {
        crate::subject::find(
            &reqs,
            &discovery.sources,
            &norm,
            &rules,
            &opts,
            !who.no_expand,
        )
    });
    crate::interrupt::check()?;
    found.errors.extend(discovery.errors);
    if !quiet {
        for e in &found.errors {
            eprintln!("warning: {e}");
        }
    }
    Ok(Searched {
        found,
        norm,
        policy,
        as_of,
        inputs,
    })
}

/// Table on a terminal without --output, JSON otherwise.
fn format_or_default(f: Option<SubjectFormat>, output: Option<&std::path::Path>) -> SubjectFormat {
    f.unwrap_or(if output.is_none() && std::io::stdout().is_terminal() {
        SubjectFormat::Table
    } else {
        SubjectFormat::Json
    })
}

fn render(
    r: &report::SubjectReport,
    format: SubjectFormat,
    lang: crate::i18n::Lang,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use crate::render::subject as out;
    match format {
        SubjectFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, r)?;
            writeln!(w)
        }
        SubjectFormat::Table => out::table(r, lang, w),
        SubjectFormat::Markdown => out::markdown(r, lang, w),
        SubjectFormat::Html => out::html(r, lang, w),
        SubjectFormat::Csv => out::csv(r, w),
    }
}

fn find_command(a: &SubjectFindArgs, quiet: bool) -> Result<ExitStatus> {
    let s = search(&a.input, &a.who, false, a.show_values, quiet, None)?;
    if a.show_values && !quiet {
        eprintln!("warning: --show-values: the report will contain personal data in clear");
    }
    let r = report::build(&s.found, s.as_of, a.show_values, None, None);
    let format = format_or_default(a.format, a.output.as_deref());
    write_output(a.output.as_deref(), &s.inputs, |w| {
        render(&r, format, a.lang, w)
    })?;
    Ok(ExitStatus::Clean)
}

fn erase_command(a: &SubjectEraseArgs, quiet: bool) -> Result<ExitStatus> {
    if let Some(dir) = &a.export_actions {
        // Before the search: a wrong folder is said at once.
        Inputs::new(&a.input.paths).refuse("--export-actions", dir, true)?;
    }
    if a.extended.as_deref().is_some_and(|r| r.trim().is_empty()) {
        bail!("--extended needs the reason for the extension (Art. 12(3))");
    }
    let s = search(
        &a.input,
        &a.who,
        true,
        a.show_values,
        quiet,
        Some(RequestType::Erasure),
    )?;
    let mask = report::masker(a.show_values);
    let plans: Vec<_> = s
        .found
        .results
        .iter()
        .map(|r| erase::plan(r, s.policy.as_ref(), &mask))
        .collect();
    let r = report::build(
        &s.found,
        s.as_of,
        a.show_values,
        a.extended.as_deref(),
        Some(plans),
    );
    if let Some(dir) = &a.export_actions {
        let mut outputs = Outputs::new();
        let written =
            crate::render::subject::actions::stage_action_lists(&r, dir, &s.inputs, &mut outputs)?;
        commit(outputs)?;
        if !quiet {
            eprintln!(
                "wrote {} action list(s) to {}",
                written.len(),
                dir.display()
            );
        }
    }
    let format = format_or_default(a.format, a.output.as_deref());
    write_output(a.output.as_deref(), &s.inputs, |w| {
        render(&r, format, a.lang, w)
    })?;
    Ok(ExitStatus::Clean)
}

fn export_command(a: &SubjectExportArgs, quiet: bool) -> Result<ExitStatus> {
    crate::render::subject::package::refuse_target(&a.output, &a.input.paths)?;
    // The package shows Message-IDs masked where they hold an identifier: one
    // could be someone else's.
    let s = search(&a.input, &a.who, true, false, quiet, None)?;
    let [result] = s.found.results.as_slice() else {
        bail!("an export is for one person: give one subject, not a batch of requests");
    };
    let rules = load_rules(&a.input.rules)?;
    let written = crate::render::subject::package::write_package(
        result,
        &crate::render::subject::package::PackageContext {
            policy: s.policy.as_ref(),
            rules: &rules,
            norm: &s.norm,
            lang: a.lang,
            as_of: s.as_of,
        },
        &a.output,
    )?;
    if !quiet {
        eprintln!(
            "wrote the package for request {} to {} ({} files); it holds personal data in clear",
            result.request.id,
            a.output.display(),
            written
        );
    }
    Ok(ExitStatus::Clean)
}
