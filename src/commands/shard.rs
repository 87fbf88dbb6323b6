//! `scan --shard K/N` and `merge`: a scan spread over many machines. Every shard
//! prepares the scan as a single scan does, takes its files (see
//! [`crate::scan::shard`]) and writes their results as a partial report; `merge`
//! checks the parts and assembles them as the single scan assembles its files,
//! then judges the whole report with the same code.

use super::scan::{
    Planned, Prepared, ProgressBar, Shown, Verdict, exit_status, finish_report, prepare,
    stage_report,
};
use super::{Text, commit, load_rule_catalog, stage_output};
use crate::ExitStatus;
use crate::audit::partial::{PARTIAL_FORMAT, PartHeader, PartReader, Parts, ScanIdentity};
use crate::audit::{ErrorEntry, Report, ToolInfo};
use crate::cli::{InputArgs, MergeArgs, ScanArgs};
use crate::input_guard::Inputs;
use crate::render::Format;
use crate::render::partial::{ChunkSender, PartialWriter};
use crate::scan::shard::{Judge, ShardSpec, select, units};
use crate::scan::{self, ScanOptions};
use crate::source::Discovery;

/// Longest `--files-from` list read.
const MAX_LIST_BYTES: u64 = 1 << 30;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The paths to scan: the command line's, then those `--files-from` lists (one a
/// line; empty lines are skipped).
pub(super) fn input_paths(input: &InputArgs) -> Result<Vec<PathBuf>> {
    let mut paths = input.paths.clone();
    if let Some(list) = &input.files_from {
        let text = crate::source::read_limited_text(list, MAX_LIST_BYTES)
            .map_err(|e| anyhow::anyhow!("--files-from {}: {e}", list.display()))?;
        paths.extend(
            text.lines()
                .map(|l| l.trim_end_matches('\r'))
                .filter(|l| !l.trim().is_empty())
                .map(PathBuf::from),
        );
        if paths.is_empty() {
            bail!("--files-from {} lists no paths", list.display());
        }
    }
    Ok(paths)
}

/// `--config FILE`, else (unless `--no-config`) the nearest gdpr-audit.yaml, and
/// a hash of the file.
pub(super) fn load_policy(
    config: Option<&Path>,
    no_config: bool,
    cwd: &Path,
    quiet: bool,
) -> Result<(Option<crate::policy::Config>, Option<String>)> {
    let path = match (config, no_config) {
        (Some(p), _) => Some(p.to_path_buf()),
        (None, true) => None,
        (None, false) => crate::policy::discover(cwd),
    };
    let Some(path) = path else {
        return Ok((None, None));
    };
    let loaded = crate::policy::Config::load(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
    if !quiet && config.is_none() {
        eprintln!("note: using policy {}", path.display());
    }
    Ok((Some(loaded), Some(file_fingerprint(&path)?)))
}

/// A hash of a file's bytes (the policy the shards used).
pub(super) fn file_fingerprint(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(blake3::hash(&bytes).to_hex()[..32].to_string())
}

/// Most input paths a partial's header lists one by one; more are hashed.
const LISTED_INPUTS: usize = 64;

/// What makes shards parts of one scan.
pub(super) fn identity(
    opts: &ScanOptions,
    discovery: &Discovery,
    key_id: &str,
    rules: String,
    config: Option<String>,
) -> ScanIdentity {
    let roots = &opts.maker.roots;
    let inputs = if roots.len() <= LISTED_INPUTS {
        roots.clone()
    } else {
        vec![format!(
            "{} paths, {}",
            roots.len(),
            hash_lines(roots.iter())
        )]
    };
    let options = format!(
        "show_values={} min_confidence={} delimiter={:?} no_header={} limits={:?} as_of={}",
        opts.maker.show_values,
        opts.maker.min_confidence.to_bits(),
        opts.delimiter,
        opts.no_header,
        opts.limits,
        opts.as_of
    );
    let found = discovery
        .sources
        .iter()
        .map(|s| format!("source {} {:?} {}", s.display, s.kind, s.bytes))
        .chain(
            discovery
                .errors
                .iter()
                .map(|e| format!("error {} {}", e.path, e.message)),
        )
        .chain(
            discovery
                .skipped
                .iter()
                .map(|(p, why)| format!("skipped {p} {why}")),
        );
    ScanIdentity {
        tool: ToolInfo {
            name: "gdpr-audit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules_version: crate::rules::PACK_VERSION.into(),
        },
        rules,
        config,
        key: key_id.to_string(),
        options: hash_lines(std::iter::once(&options)),
        inputs,
        sources: discovery.sources.len() as u64,
        discovery: hash_lines(found),
        units: discovery.sources.len() as u64,
    }
}

/// A hash of lines (each ends where the next begins: lengths are hashed too).
fn hash_lines<S: AsRef<str>>(lines: impl Iterator<Item = S>) -> String {
    let mut h = blake3::Hasher::new();
    for l in lines {
        let l = l.as_ref();
        h.update(&(l.len() as u64).to_le_bytes());
        h.update(l.as_bytes());
    }
    h.finalize().to_hex()[..32].to_string()
}

/// `scan --shard K/N` (or `--format partial`, shard 1/1): scan this shard's
/// files and write their results as a partial report.
pub(super) fn shard_command(args: &ScanArgs, quiet: bool) -> Result<ExitStatus> {
    if args.format.is_some_and(|f| f != Format::Partial) {
        bail!(
            "--shard writes a partial report (--format partial); render the merged report with `gdpr-audit merge --format`"
        );
    }
    if args.baseline.is_some() || args.export_actions.is_some() {
        bail!(
            "--baseline and --export-actions apply to a whole report: use them on a single scan of all inputs"
        );
    }
    let spec = args.shard.unwrap_or(ShardSpec {
        shard: 1,
        shards: 1,
    });
    let mut planned = Vec::new();
    if let Some(path) = &args.output {
        planned.push(Planned {
            flag: "--output",
            path,
            beside_files: false,
        });
    }
    if args.shard_size == 0 {
        bail!("--shard-size must be at least 1 byte");
    }
    let prepared = prepare(&args.input, args.show_values, quiet, &planned, None)?;
    let (indexes, sources) = select(
        &prepared.discovery.sources,
        &prepared.opts.maker.roots,
        spec,
        args.shard_size,
    );
    let mut scan = prepared.identity.clone();
    scan.units = units(&prepared.discovery.sources, args.shard_size);
    let options = format!("{} shard_size={}", scan.options, args.shard_size);
    scan.options = hash_lines(std::iter::once(&options));
    let header = PartHeader {
        format: PARTIAL_FORMAT,
        scan,
        shard: spec.shard,
        shards: spec.shards,
        as_of: prepared.opts.as_of.to_string(),
        max_findings_per_rule: prepared.opts.limits.max_findings_per_rule_and_file as u64,
        show_values: prepared.opts.maker.show_values,
        discovery_errors: entries(&prepared.discovery.errors),
        skipped: prepared
            .discovery
            .skipped
            .iter()
            .map(|(path, error)| ErrorEntry {
                path: path.clone(),
                error: error.clone(),
            })
            .collect(),
    };
    let mut outputs = crate::output_target::Outputs::new();
    let staged = stage_output(
        &mut outputs,
        "--output",
        args.output.as_deref(),
        &prepared.inputs,
        Text::Text,
        |w| write_part(w, header, &prepared, &indexes, &sources, quiet),
    );
    crate::interrupt::check()?;
    staged?;
    commit(outputs)?;
    if !quiet {
        eprintln!(
            "shard {spec}: scanned {} of {} files and byte ranges; merge the {} parts with `gdpr-audit merge`",
            sources.len(),
            units(&prepared.discovery.sources, args.shard_size),
            spec.shards
        );
    }
    Ok(ExitStatus::Clean)
}

fn entries(errors: &[crate::source::SourceError]) -> Vec<ErrorEntry> {
    errors.iter().cloned().map(ErrorEntry::from).collect()
}

/// Scan `sources` (at `indexes` of discovery) and write each result as it comes.
fn write_part(
    w: &mut dyn std::io::Write,
    header: PartHeader,
    prepared: &Prepared,
    indexes: &[u64],
    sources: &[crate::source::Source],
    quiet: bool,
) -> std::io::Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
    std::thread::scope(|scope| {
        let scanner = scope.spawn(move || {
            scan_part(
                ChunkSender::new(tx),
                header,
                prepared,
                indexes,
                sources,
                quiet,
            )
        });
        let mut copied = Ok(());
        for chunk in rx {
            if copied.is_ok() {
                copied = w.write_all(&chunk);
            }
        }
        let scanned = scanner
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the scan stopped (internal error)")));
        copied.and(scanned)
    })
}

/// Scan the shard's sources on the worker pool, writing each result as it comes.
fn scan_part(
    sink: ChunkSender,
    header: PartHeader,
    prepared: &Prepared,
    indexes: &[u64],
    sources: &[crate::source::Source],
    quiet: bool,
) -> std::io::Result<()> {
    let mut part = PartialWriter::begin(sink, header)?;
    let mut failed = None;
    // A part has no language of its own (merge renders it): the bar speaks English.
    let progress = ProgressBar::new(sources, quiet, crate::i18n::Lang::En);
    prepared.pool.install(|| {
        scan::scan_sources_indexed(
            sources,
            &prepared.matcher,
            &prepared.opts,
            &progress,
            &mut |at, mut r| {
                prepared.settle(&mut r);
                if failed.is_none()
                    && let Err(e) = part.file(indexes[at], &r)
                {
                    failed = Some(e);
                }
            },
        )
    });
    drop(progress);
    if let Some(e) = failed {
        return Err(e);
    }
    if crate::interrupt::is_interrupted() {
        return Err(std::io::Error::other("interrupted"));
    }
    part.end(sources.len() as u64)
}

/// The part files `merge` was given: files as they are, directories by their
/// `*.jsonl` files in name order.
fn part_paths(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in args {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(p)
            .with_context(|| format!("cannot read directory {}", p.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        if found.is_empty() {
            bail!("{}: no parts (*.jsonl) in this directory", p.display());
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

pub(super) fn merge_command(args: &MergeArgs, quiet: bool) -> Result<ExitStatus> {
    if args.format == Some(Format::Partial) {
        bail!(
            "merge writes a whole report: choose --format json, html, markdown, table, csv or sarif"
        );
    }
    let paths = part_paths(&args.parts)?;
    let mut readers = Vec::new();
    for p in &paths {
        let file =
            std::fs::File::open(p).with_context(|| format!("cannot open part {}", p.display()))?;
        let reader = PartReader::open(
            p.display().to_string(),
            Box::new(std::io::BufReader::new(file)),
        )?;
        readers.push(reader);
    }
    let parts = Parts::check(readers)?;
    let header = parts.header().clone();
    let (rules, rules_fingerprint) = load_rule_catalog(&args.rules)?;
    if rules_fingerprint != header.scan.rules {
        bail!(
            "the rules loaded here differ from the shards' rules: pass the same --rules (and --no-default-rules) as the shards did"
        );
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let (config, config_fingerprint) =
        load_policy(args.config.as_deref(), args.no_config, &cwd, quiet)?;
    if config_fingerprint != header.scan.config {
        bail!(match header.scan.config {
            Some(_) =>
                "the shards used a policy config that this merge does not have: pass the same --config",
            None => "the shards used no policy config: merge with --no-config",
        });
    }
    let errors = header
        .discovery_errors
        .iter()
        .map(|e| crate::source::SourceError::new(&e.path, &e.error))
        .collect();
    let skipped = header
        .skipped
        .iter()
        .map(|e| (e.path.clone(), e.error.clone()))
        .collect();
    let mut report = Report::begin(errors, skipped);
    report.summary.fingerprint_key_id = Some(header.scan.key.clone());
    let as_of = header
        .as_of
        .parse::<jiff::civil::Date>()
        .map_err(|_| anyhow::anyhow!("the parts name no readable --as-of date"))?;
    let judge = Judge {
        policy: config.as_ref(),
        as_of,
    };
    let cap = header.max_findings_per_rule as usize;
    parts.merge(
        &mut |ranges| {
            let mut r = crate::scan::shard::join(ranges, &judge, cap)?;
            if let Some(c) = &config {
                crate::policy::record_names::mask_record_names(&mut r, c, header.show_values);
            }
            Ok(r)
        },
        &mut |r| report.add(r),
    )?;
    let nothing_read = finish_report(&mut report, config.as_ref(), &rules, args.lang);
    // Never over a part, nor inside the tree the shards scanned (when this
    // machine sees it at the same path).
    let mut guarded = paths.clone();
    guarded.extend(header.scan.inputs.iter().map(PathBuf::from));
    let inputs = Inputs::new(&guarded);
    let mut outputs = crate::output_target::Outputs::new();
    let shown = Shown {
        format: args.format,
        output: args.output.as_deref(),
        lang: args.lang,
        verbose: args.verbose,
    };
    stage_report(&mut outputs, &report, &shown, &rules, &inputs)?;
    commit(outputs)?;
    if !quiet {
        eprintln!(
            "merged {} parts: {} sources, {} findings",
            paths.len(),
            report.summary.files,
            report.summary.findings
        );
    }
    Ok(exit_status(
        &report,
        nothing_read,
        &Verdict {
            strict: args.strict,
            fail_on: args.fail_on,
            max_findings: args.max_findings,
            lang: args.lang,
        },
        quiet,
    ))
}
