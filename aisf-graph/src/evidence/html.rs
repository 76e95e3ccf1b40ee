//! The report page: one self-contained HTML file for people who do not
//! read JSON.
//!
//! Everything is inline: the CSS in a `<style>` element, the pictures as
//! inline SVG (bar charts of findings by severity and by system, the
//! privileged population, drift between two snapshots, and a diagram of
//! the path behind each top finding). There is no script, no external
//! style sheet, font or image, and no link to anywhere: the page opens the
//! same with or without a network. All text from the data is escaped for
//! HTML ([`escape`]).

use std::fmt::Write as _;

use aisf_core::policy::Severity;

use super::{EvidencePack, Status};
use crate::diff::SnapshotDiff;
use crate::govern::Scan;
use crate::govern::plan::{Plan, PlanCheck, StepKind};
use crate::snapshot::Snapshot;

/// What the page shows.
pub struct ReportInput<'a> {
    /// The page title.
    pub title: &'a str,
    /// The snapshot scanned.
    pub snapshot: &'a Snapshot,
    /// The scan.
    pub scan: &'a Scan,
    /// Its evidence pack.
    pub pack: &'a EvidencePack,
    /// The remediation plan, if one was made.
    pub plan: Option<&'a Plan>,
    /// The plan's what-if check, if it was run.
    pub check: Option<&'a PlanCheck>,
    /// Drift from an earlier snapshot, when one was given.
    pub diff: Option<&'a SnapshotDiff>,
    /// How many top findings get a path diagram.
    pub top: usize,
}

/// Text escaped for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most `n` characters of `s`, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

const STYLE: &str = "
body{font-family:-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;margin:0;
color:#1f2933;background:#f5f7fa;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px}
header{background:#243b53;color:#fff;padding:24px}
header h1{margin:0 0 4px 0;font-size:26px}
header p{margin:0;color:#d9e2ec}
section{background:#fff;border-radius:8px;padding:18px 22px;margin:18px 0;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{margin-top:0;font-size:20px;color:#243b53}
h3{font-size:16px;margin:18px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 150px;background:#f0f4f8;border-radius:8px;padding:12px 14px}
.card b{display:block;font-size:26px;color:#102a43}
.card span{font-size:13px;color:#52606d}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.charts>div{flex:1 1 420px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7eb;vertical-align:top}
th{background:#f0f4f8}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;
white-space:nowrap}
.critical{background:#9b1c1c}.high{background:#d64545}.medium{background:#c77d00}
.low{background:#2f6f9f}.info{background:#7b8794}
.met{background:#2f8132}.attention{background:#c77d00}.not-met{background:#9b1c1c}
.not-assessed{background:#7b8794}
.finding{border-left:4px solid #d9e2ec;padding:4px 0 4px 14px;margin:16px 0}
.muted{color:#52606d;font-size:13px}
code{font-size:12px;background:#f0f4f8;padding:1px 4px;border-radius:3px;word-break:break-all}
svg{max-width:100%;height:auto}
";

/// The page.
pub fn render(input: &ReportInput<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let pack = input.pack;
    let s = &pack.summary;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{}</h1>\
         <p>Identity access review, scanned {} against policy {}</p></header>\n<main>\n",
        escape(input.title),
        escape(input.title),
        escape(&s.scan_time),
        escape(if s.policy_file.is_empty() { "(built-in defaults)" } else { &s.policy_file }),
    );

    overview(&mut out, input);
    charts(&mut out, pack);
    top_findings(&mut out, input);
    privileged(&mut out, pack);
    if let Some(d) = input.diff {
        drift(&mut out, d);
    }
    if let Some(p) = input.plan {
        plan(&mut out, p, input.check);
    }
    controls(&mut out, pack);
    let _ = write!(
        out,
        "<section><h2>About this report</h2><p class=\"muted\">Written by AISF from snapshot \
         {} (SHA-256 <code>{}</code>) and a policy with SHA-256 <code>{}</code>. The files \
         beside it hold every finding (findings.csv, findings.json), the access review for \
         each manager (access-review.csv), the controls summary (controls.csv) and the \
         hash-chained audit log (audit-log.jsonl). AISF changes nothing in any system: every \
         remediation is a proposal for a person to review.</p></section>\n</main>\n</body>\n\
         </html>\n",
        escape(s.snapshot.as_deref().unwrap_or("(in memory)")),
        escape(&s.snapshot_sha256),
        escape(&s.policy_sha256),
    );
    out
}

fn overview(out: &mut String, input: &ReportInput<'_>) {
    let s = &input.pack.summary;
    let count = |sev: Severity| s.by_severity.iter().find(|(x, _)| *x == sev).map_or(0, |x| x.1);
    let urgent = count(Severity::Critical) + count(Severity::High);
    let tier0 = s.privileged_persons_by_tier.first().map_or(0, |x| x.1);
    let _ = write!(
        out,
        "<section><h2>At a glance</h2><p>AISF compared who can reach what, in {} systems, \
         with what the policy says should be. Each <em>finding</em> is a place where they \
         differ, scored from 0 to 100 by how much harm it could do.</p><div class=\"cards\">",
        s.systems.len()
    );
    for (value, label) in [
        (s.findings.to_string(), "findings"),
        (urgent.to_string(), "critical or high"),
        (s.persons.to_string(), "people"),
        (s.accounts.to_string(), "accounts"),
        (tier0.to_string(), "people with tier-0 (full control) access"),
        (s.silenced.to_string(), "findings waived by exceptions"),
    ] {
        let _ = write!(
            out,
            "<div class=\"card\"><b>{}</b><span>{}</span></div>",
            escape(&value),
            label
        );
    }
    out.push_str("</div></section>\n");
}

/// A horizontal bar chart.
fn bar_chart(title: &str, rows: &[(String, usize, &str)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (150.0, 300.0, 28.0);
    let height = row_h * rows.len().max(1) as f64 + 34.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 520 {height}\" width=\"520\" height=\"{height}\" role=\"img\" \
         aria-label=\"{}\"><text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"bold\" \
         fill=\"#243b53\">{}</text>",
        escape(title),
        escape(title)
    );
    for (i, (label, n, colour)) in rows.iter().enumerate() {
        let y = 30.0 + i as f64 * row_h;
        let w = if *n == 0 { 0.0 } else { (bar_w * *n as f64 / max as f64).max(2.0) };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\" fill=\"#334e68\">{}\
             </text><rect x=\"{}\" y=\"{}\" width=\"{w:.1}\" height=\"18\" rx=\"3\" \
             fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"13\" fill=\"#102a43\">{n}\
             </text>",
            label_w - 8.0,
            y + 13.0,
            escape(&clip(label, 20)),
            label_w,
            y,
            label_w + w + 6.0,
            y + 13.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#9b1c1c",
        Severity::High => "#d64545",
        Severity::Medium => "#c77d00",
        Severity::Low => "#2f6f9f",
        Severity::Info => "#7b8794",
    }
}

fn charts(out: &mut String, pack: &EvidencePack) {
    let s = &pack.summary;
    let sev: Vec<(String, usize, &str)> = s
        .by_severity
        .iter()
        .map(|(sev, n)| (sev.as_str().to_string(), *n, severity_colour(*sev)))
        .collect();
    let sys: Vec<(String, usize, &str)> = s
        .by_system
        .iter()
        .take(12)
        .map(|(name, n)| {
            let label = if name == "-" { "organisation-wide".to_string() } else { name.clone() };
            (label, *n, "#486581")
        })
        .collect();
    let _ = writeln!(
        out,
        "<section><h2>Where the findings are</h2><p>Critical and high findings need action \
         first. The systems with the most findings are where access drifts furthest from the \
         policy.</p><div class=\"charts\"><div>{}</div><div>{}</div></div></section>",
        bar_chart("Findings by severity", &sev),
        bar_chart("Findings by system", &sys)
    );
}

fn kind_colour(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "person" => ("#dbeafe", "#2563eb"),
        "account" => ("#dcfce7", "#15803d"),
        "group" => ("#ffedd5", "#c2410c"),
        "role" => ("#f3e8ff", "#7e22ce"),
        "entitlement" => ("#fee2e2", "#b91c1c"),
        "resource" => ("#ccfbf1", "#0f766e"),
        _ => ("#f1f5f9", "#475569"),
    }
}

/// A diagram of a justification path: boxes for the nodes, four to a row,
/// arrows labelled with the edge kinds.
fn path_diagram(snap: &Snapshot, path: &[aisf_core::finding::PathStep]) -> String {
    const PER_ROW: usize = 4;
    let (bw, bh, gap, row_gap) = (182.0, 62.0, 74.0, 46.0);
    let rows = path.len().div_ceil(PER_ROW).max(1);
    let cols = path.len().clamp(1, PER_ROW);
    let width = cols as f64 * bw + (cols as f64 - 1.0) * gap + 4.0;
    let height = rows as f64 * bh + (rows as f64 - 1.0) * row_gap + 4.0;
    let pos = |i: usize| {
        let (r, c) = (i / PER_ROW, i % PER_ROW);
        (2.0 + c as f64 * (bw + gap), 2.0 + r as f64 * (bh + row_gap))
    };
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         role=\"img\" aria-label=\"access path\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" \
         refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"#486581\"/></marker></defs>"
    );
    for (i, step) in path.iter().enumerate() {
        let (x, y) = pos(i);
        let node = snap.find(&step.node).map(|v| snap.node(v));
        let kind = node.as_ref().map(|n| n.kind().as_str().to_string()).unwrap_or_default();
        let label = node.as_ref().and_then(|n| n.name()).unwrap_or(&step.node).to_string();
        let (fill, stroke) = kind_colour(&kind);
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{bw}\" height=\"{bh}\" rx=\"8\" fill=\"{fill}\" \
             stroke=\"{stroke}\" stroke-width=\"1.5\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" \
             fill=\"{stroke}\" text-anchor=\"middle\">{}</text><text x=\"{}\" y=\"{}\" \
             font-size=\"13\" font-weight=\"bold\" fill=\"#102a43\" text-anchor=\"middle\">{}\
             </text><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#52606d\" \
             text-anchor=\"middle\">{}</text>",
            x + bw / 2.0,
            y + 15.0,
            escape(&kind.to_uppercase()),
            x + bw / 2.0,
            y + 34.0,
            escape(&clip(&label, 24)),
            x + bw / 2.0,
            y + 51.0,
            escape(&clip(&step.node, 30)),
        );
        if i == 0 {
            continue;
        }
        let edge = step.edge.as_deref().unwrap_or("").replace('_', " ");
        let (px, py) = pos(i - 1);
        if i % PER_ROW == 0 {
            // Down from the previous row's last box, along, into this one.
            let (sx, sy) = (px + bw / 2.0, py + bh);
            let mid = sy + row_gap / 2.0;
            let _ = write!(
                svg,
                "<path d=\"M{sx},{sy} L{sx},{mid} L{},{mid} L{},{}\" fill=\"none\" \
                 stroke=\"#486581\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#334e68\" \
                 text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                x + bw / 2.0,
                y - 2.0,
                (sx + x + bw / 2.0) / 2.0,
                mid - 4.0,
                escape(&edge)
            );
        } else {
            let (sx, ex, cy) = (px + bw, x - 2.0, y + bh / 2.0);
            let _ = write!(
                svg,
                "<line x1=\"{sx}\" y1=\"{cy}\" x2=\"{ex}\" y2=\"{cy}\" stroke=\"#486581\" \
                 stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/><text x=\"{}\" y=\"{}\" \
                 font-size=\"11\" fill=\"#334e68\" text-anchor=\"middle\">{}</text>",
                (sx + ex) / 2.0,
                cy - 6.0,
                escape(&clip(&edge, 12))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn badge(class: &str, text: &str) -> String {
    format!("<span class=\"sev {class}\">{}</span>", escape(text))
}

fn top_findings(out: &mut String, input: &ReportInput<'_>) {
    let n = input.top.min(input.scan.findings.len());
    let _ = write!(
        out,
        "<section><h2>The {n} most urgent findings</h2><p>Each one says what is wrong, the \
         chain of memberships and grants that gives the access (the <em>path</em>), and the \
         change that would fix it.</p>"
    );
    if n == 0 {
        out.push_str("<p>No findings: access matches the policy.</p>");
    }
    for (i, f) in input.scan.findings.iter().take(n).enumerate() {
        let _ = write!(
            out,
            "<div class=\"finding\"><h3>{}. {} {} <span class=\"muted\">risk {} · {}</span></h3>\
             <p>{}</p><p class=\"muted\">Subject <code>{}</code>{} · policy: {} · fix: {}</p>",
            i + 1,
            badge(f.severity.as_str(), f.severity.as_str()),
            escape(f.rule.summary()),
            f.risk,
            escape(f.rule.as_str()),
            escape(&f.explanation),
            escape(f.subject()),
            f.system.as_deref().map(|s| format!(" in {}", escape(s))).unwrap_or_default(),
            escape(&f.clause),
            escape(&f.action.to_string()),
        );
        if f.path.len() > 1 {
            out.push_str(&path_diagram(input.snapshot, &f.path));
        }
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
}

fn privileged(out: &mut String, pack: &EvidencePack) {
    let s = &pack.summary;
    let tiers: Vec<(String, usize, &str)> = s
        .privileged_persons_by_tier
        .iter()
        .map(|(t, n)| {
            (
                format!("tier {t}"),
                *n as usize,
                ["#9b1c1c", "#d64545", "#c77d00", "#2f6f9f"][usize::from((*t).min(3))],
            )
        })
        .collect();
    let _ = write!(
        out,
        "<section><h2>Who holds privileged access</h2><p>Tier 0 is full control of identity \
         itself (domain or global administrators); higher tiers control less. Each person is \
         counted at the most privileged tier any of their accounts reaches.</p>{}\
         <table><tr><th>tier</th><th>privileged object</th><th>system</th><th>people</th>\
         <th>accounts</th></tr>",
        bar_chart("People by privilege tier", &tiers)
    );
    for p in s.privileged.iter().take(25) {
        let label = if p.name.is_empty() { p.id.clone() } else { format!("{} ({})", p.name, p.id) };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.tier,
            escape(&label),
            escape(&p.system),
            p.persons,
            p.accounts
        );
    }
    out.push_str("</table>");
    if s.privileged.len() > 25 {
        let _ = write!(
            out,
            "<p class=\"muted\">… and {} more (summary.json).</p>",
            s.privileged.len() - 25
        );
    }
    out.push_str("</section>\n");
}

fn drift(out: &mut String, d: &SnapshotDiff) {
    let n = &d.nodes;
    let gained: usize = d.persons.iter().map(|c| c.gained.len()).sum();
    let lost: usize = d.persons.iter().map(|c| c.lost.len()).sum();
    let privileged = d.persons.iter().filter(|c| c.privileged_count() > 0).count();
    let rows: Vec<(String, usize, &str)> = vec![
        ("people added".into(), n.persons.added.len(), "#2f8132"),
        ("people removed".into(), n.persons.removed.len(), "#9b1c1c"),
        ("accounts added".into(), n.accounts.added.len(), "#2f8132"),
        ("accounts removed".into(), n.accounts.removed.len(), "#9b1c1c"),
        ("access gained".into(), gained, "#c77d00"),
        ("access lost".into(), lost, "#2f6f9f"),
        ("memberships added".into(), d.edges.added.len(), "#c77d00"),
        ("memberships removed".into(), d.edges.removed.len(), "#2f6f9f"),
    ];
    let _ = write!(
        out,
        "<section><h2>What changed since the previous snapshot</h2><p>{} people's access \
         changed; {privileged} of them gained or lost privileged access.</p>{}",
        d.persons.len(),
        bar_chart("Changes since the previous snapshot", &rows)
    );
    if !d.persons.is_empty() {
        out.push_str(
            "<table><tr><th>person</th><th>gained</th><th>lost</th>\
             <th>privileged changes</th></tr>",
        );
        for c in d.persons.iter().take(15) {
            let ids = |v: &[crate::diff::EntitlementChange]| {
                let list: Vec<&str> = v.iter().take(4).map(|e| e.id.as_str()).collect();
                let more = v.len().saturating_sub(4);
                let mut t = list.join(", ");
                if more > 0 {
                    let _ = write!(t, " … +{more}");
                }
                t
            };
            let name = c
                .name
                .as_deref()
                .map(|n| format!("{n} ({})", c.subject))
                .unwrap_or(c.subject.clone());
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&name),
                escape(&ids(&c.gained)),
                escape(&ids(&c.lost)),
                c.privileged_count()
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>\n");
}

fn plan(out: &mut String, p: &Plan, check: Option<&PlanCheck>) {
    let changes = p.of_kind(StepKind::Change).count();
    let reviews = p.of_kind(StepKind::Review).count();
    let _ = write!(
        out,
        "<section><h2>The remediation plan</h2><p>{changes} changes and {reviews} decisions \
         would close the findings, highest risk first. AISF does not make them: a person \
         reviews each one (aisf plan writes them as PowerShell, SCIM, AWS CLI or Microsoft \
         Graph requests).</p>"
    );
    if let Some(c) = check {
        let verdict = if c.ok() { "the check passed" } else { "the check needs attention" };
        let _ = write!(
            out,
            "<p>What-if check, on a copy of the data: {} of {} findings the changes claim to \
             close are closed; {} expected accesses would be lost; {} new findings; \
             <strong>{verdict}</strong>.</p>",
            c.closed,
            c.claimed,
            c.expected_lost.len(),
            c.new_findings.len()
        );
    }
    out.push_str(
        "<table><tr><th>#</th><th>risk</th><th>kind</th><th>system</th><th>change</th>\
         <th>closes</th></tr>",
    );
    for s in p.steps.iter().take(20) {
        let kind = if s.kind == StepKind::Change { "change" } else { "decision" };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s.number,
            badge(s.severity.as_str(), &s.risk.to_string()),
            escape(s.system.as_deref().unwrap_or("-")),
            escape(&s.summary),
            s.closes.len()
        );
    }
    out.push_str("</table></section>\n");
}

fn controls(out: &mut String, pack: &EvidencePack) {
    out.push_str(
        "<section><h2>Controls</h2><p>How the findings bear on the controls auditors test. \
         <em>Met</em>: the checks ran and found nothing; <em>attention</em>: only medium or \
         low findings; <em>not met</em>: at least one high or critical finding.</p>\
         <table><tr><th>framework</th><th>control</th><th>status</th><th>findings</th>\
         <th>checked by</th></tr>",
    );
    for c in &pack.controls {
        let class = match c.status {
            Status::Met => "met",
            Status::Attention => "attention",
            Status::NotMet => "not-met",
            Status::NotAssessed => "not-assessed",
        };
        let rules: Vec<String> =
            c.rules.iter().map(|(r, n)| format!("{} ({n})", r.as_str())).collect();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
            escape(&c.framework),
            escape(&c.control),
            escape(if c.title == c.control { "" } else { &c.title }),
            badge(class, c.status.as_str()),
            c.findings,
            escape(&rules.join(", "))
        );
    }
    out.push_str("</table></section>\n");
}
