//! A plan as text to review: JSON, or commands for one kind of system.
//!
//! - [`Format::Json`]: the whole [`Plan`], for any tool.
//! - [`Format::PowerShell`], for Active Directory: `Disable-ADAccount`,
//!   `Remove-ADGroupMember`, `Set-ADUser`, `Set-ADAccountControl`, in
//!   `-WhatIf` mode until a person turns it off.
//! - [`Format::Scim`], for SaaS and anything else: a JSON document of SCIM
//!   2.0 `PatchOp` requests (method, path, body).
//! - [`Format::Aws`], for AWS IAM: a bash script of `aws iam` commands that
//!   only prints them unless run with `APPLY=1`.
//! - [`Format::Graph`], for Entra ID and Microsoft 365: Microsoft Graph
//!   requests (method, URL, body) in `.http` form.
//!
//! Each script export holds the steps of its kind of system (and the
//! organisation-wide review items), and ends by counting the steps it left
//! to the other formats. Every export starts with [`NOTICE`]: AISF never
//! changes a system itself, and a person must review each line.
//!
//! Values are quoted for their target: PowerShell single-quoted strings
//! (every quote character PowerShell accepts doubled; the file starts with
//! a UTF-8 byte-order mark so Windows PowerShell 5.1 reads non-ASCII names
//! right), POSIX shell single quotes, percent-encoded URL path segments,
//! JSON strings, and SCIM filter literals (JSON strings inside a JSON
//! string). Names in comments have their line breaks and control
//! characters replaced by spaces, so no name can end a comment.

use std::fmt::Write as _;

use aisf_core::finding::Action;
use serde_json::{Value as Json, json};

use super::{NOTICE, Plan, PlanNode, PlanStep, StepKind, SystemType};

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The plan as JSON.
    Json,
    /// PowerShell for Active Directory.
    PowerShell,
    /// SCIM 2.0 PatchOp requests, as JSON.
    Scim,
    /// AWS CLI commands, as a bash script.
    Aws,
    /// Microsoft Graph requests, as an `.http` file.
    Graph,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] =
        [Format::Json, Format::PowerShell, Format::Scim, Format::Aws, Format::Graph];

    /// The kind of system whose steps the format holds (`None` for JSON,
    /// which holds every step).
    pub fn system_type(self) -> Option<SystemType> {
        match self {
            Format::Json => None,
            Format::PowerShell => Some(SystemType::ActiveDirectory),
            Format::Scim => Some(SystemType::Scim),
            Format::Aws => Some(SystemType::Aws),
            Format::Graph => Some(SystemType::MicrosoftGraph),
        }
    }

    /// The format for a kind of system.
    pub fn for_system(t: SystemType) -> Format {
        match t {
            SystemType::ActiveDirectory => Format::PowerShell,
            SystemType::MicrosoftGraph => Format::Graph,
            SystemType::Aws => Format::Aws,
            SystemType::Scim => Format::Scim,
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::PowerShell => "ps1",
            Format::Scim => "scim.json",
            Format::Aws => "sh",
            Format::Graph => "http",
        }
    }

    /// The name the command line uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::PowerShell => "powershell",
            Format::Scim => "scim",
            Format::Aws => "aws",
            Format::Graph => "graph",
        }
    }
}

/// The plan in a format.
pub fn render(plan: &Plan, format: Format) -> String {
    let Some(target) = format.system_type() else { return plan.to_json() + "\n" };
    let mine: Vec<&PlanStep> = plan
        .steps
        .iter()
        .filter(|s| match s.system_type {
            Some(t) => t == target,
            None => s.kind == StepKind::Review,
        })
        .collect();
    let elsewhere = plan.steps.len() - mine.len();
    match format {
        Format::PowerShell => powershell(plan, &mine, elsewhere),
        Format::Aws => aws(plan, &mine, elsewhere),
        Format::Graph => graph(plan, &mine, elsewhere),
        Format::Scim | Format::Json => scim(plan, &mine, elsewhere),
    }
}

// ---- quoting -----------------------------------------------------------

/// Characters PowerShell takes as a single quote.
const PS_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// A PowerShell single-quoted string: nothing inside is expanded (`$`,
/// backticks and double quotes are literal); each quote character is
/// doubled.
pub fn ps_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if PS_QUOTES.contains(&c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A POSIX shell single-quoted word.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// One URL path segment, percent-encoded (everything but unreserved
/// characters and `@`).
pub fn url_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A SCIM filter string literal (a JSON string).
pub fn scim_literal(s: &str) -> String {
    Json::String(s.to_string()).to_string()
}

/// Text made safe for a one-line comment: line breaks and other control
/// characters become spaces.
pub fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() || c == '\u{2028}' || c == '\u{2029}' { ' ' } else { c })
        .collect()
}

// ---- shared pieces ------------------------------------------------------

fn header(out: &mut String, c: &str, title: &str, plan: &Plan, mine: usize, elsewhere: usize) {
    let _ = writeln!(out, "{c} AISF remediation plan: {title}");
    for line in wrap(NOTICE, 76) {
        let _ = writeln!(out, "{c} {line}");
    }
    let _ = writeln!(
        out,
        "{c} Scan time {}; {} findings; {} of {} steps are in this file ({} for other \
         systems).",
        aisf_core::policy::Timestamp(plan.scanned_at),
        plan.findings,
        mine,
        plan.steps.len(),
        elsewhere
    );
}

fn footer(out: &mut String, c: &str, elsewhere: usize) {
    if elsewhere > 0 {
        let _ = writeln!(
            out,
            "\n{c} {elsewhere} more step(s) target other kinds of system: export them with \
             --format powershell|scim|aws|graph, or see all of them with --format json."
        );
    }
}

/// The comment lines that head a step.
fn step_comment(out: &mut String, c: &str, s: &PlanStep) {
    let review = if s.kind == StepKind::Review { " REVIEW ITEM" } else { "" };
    let system = s.system.as_deref().unwrap_or("organisation-wide");
    let _ = writeln!(
        out,
        "\n{c} Step {} [{}] risk {} ({}){review}: {}",
        s.number,
        comment_safe(system),
        s.risk,
        s.severity.as_str(),
        comment_safe(&s.summary)
    );
    for f in &s.closes {
        let ent = f.entitlement.as_deref().map(|e| format!(" on {e}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{c}   closes {} {}{} (risk {})",
            f.rule,
            comment_safe(f.subject()),
            comment_safe(&ent),
            f.risk
        );
    }
}

/// What a person has to decide for a review item (or for a change a
/// format has no command for).
fn review_text(action: &Action) -> String {
    match action {
        Action::AddOrRenewException { .. } => {
            "if the access is still wanted, add or renew its [[exception]] in the policy with \
             an owner and an expiry; otherwise remove the access"
                .into()
        }
        Action::AssignOwner { .. } => {
            "name an accountable owner in the source system, or under [[owners.assign]] in the \
             policy"
                .into()
        }
        Action::CorrelateAccount { .. } => {
            "find the person this account belongs to and link it (fix the HR record or the \
             account's employee id or email); if it belongs to nobody, disable it"
                .into()
        }
        Action::EnableMfa { .. } => {
            "require multi-factor authentication for this account (conditional access or the \
             system's MFA policy) and have its user enrol"
                .into()
        }
        Action::ReduceAdmins { .. } => {
            "decide which administrators keep tier-0 access; remove it from the others".into()
        }
        _ => "make this change where the system is administered; no command is generated".into(),
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

fn native(n: &Option<PlanNode>) -> &str {
    n.as_ref().map_or("", |n| n.native.as_str())
}

// ---- PowerShell -----------------------------------------------------------

fn powershell(plan: &Plan, steps: &[&PlanStep], elsewhere: usize) -> String {
    let mut out = String::from("\u{FEFF}");
    header(&mut out, "#", "Active Directory (PowerShell)", plan, steps.len(), elsewhere);
    out.push_str(
        "# Every command runs in -WhatIf mode and only says what it would do. After review,\n\
         # set $WhatIfPreference = $false below and run again.\n\
         #Requires -Modules ActiveDirectory\n\
         Set-StrictMode -Version Latest\n\
         $ErrorActionPreference = 'Stop'\n\
         $WhatIfPreference = $true\n",
    );
    shell_steps(&mut out, steps, ps_command);
    footer(&mut out, "#", elsewhere);
    out
}

/// Each step as a comment, then its command when it is a change the script
/// can make, or what a person has to decide.
fn shell_steps(out: &mut String, steps: &[&PlanStep], command: fn(&PlanStep) -> Option<String>) {
    for s in steps {
        step_comment(out, "#", s);
        match command(s) {
            Some(cmd) if s.kind == StepKind::Change => {
                out.push_str(&cmd);
                out.push('\n');
            }
            _ => {
                let _ = writeln!(out, "#   To decide: {}", review_text(&s.action));
            }
        }
    }
}

fn ps_command(s: &PlanStep) -> Option<String> {
    let who = ps_quote(native(&s.subject));
    match &s.action {
        Action::DisableAccount { .. } => Some(format!("Disable-ADAccount -Identity {who}")),
        Action::RemoveMembership { .. } => Some(format!(
            "Remove-ADGroupMember -Identity {} -Members {who} -Confirm:$false",
            ps_quote(native(&s.object))
        )),
        Action::ClearFlag { flag, .. } => match flag.as_str() {
            "password_never_expires" => {
                Some(format!("Set-ADUser -Identity {who} -PasswordNeverExpires $false"))
            }
            "dont_req_preauth" => {
                Some(format!("Set-ADAccountControl -Identity {who} -DoesNotRequirePreAuth $false"))
            }
            "has_spn" => Some(format!(
                "# Removes every service principal name: check which services use them first.\n\
                 Set-ADUser -Identity {who} -Clear servicePrincipalName"
            )),
            _ => None,
        },
        _ => None,
    }
}

// ---- AWS CLI ----------------------------------------------------------------

fn aws(plan: &Plan, steps: &[&PlanStep], elsewhere: usize) -> String {
    let mut out = String::from("#!/usr/bin/env bash\n");
    header(&mut out, "#", "AWS IAM (AWS CLI)", plan, steps.len(), elsewhere);
    out.push_str(
        "# Prints each command it would run; run with APPLY=1 to make the changes, after\n\
         # review. Read-only lookups (list-access-keys) always run.\n\
         set -euo pipefail\n\
         run() {\n\
         \x20   if [ \"${APPLY:-0}\" = 1 ]; then \"$@\"; else printf 'would run:'; \
         printf ' %q' \"$@\"; printf '\\n'; fi\n\
         }\n",
    );
    shell_steps(&mut out, steps, aws_command);
    footer(&mut out, "#", elsewhere);
    out
}

fn kind_of(n: &Option<PlanNode>) -> &str {
    n.as_ref().map_or("", |n| n.kind.as_str())
}

/// The ARN of a policy node: its `arn` property, else its id when that is
/// an ARN (without the `@account` suffix the AWS reader adds to managed
/// policies), else the ARN of the AWS managed policy of that name, with a
/// comment saying it was assumed.
fn policy_arn(n: &PlanNode) -> (String, Option<String>) {
    if let Some(arn) = n.id_prop("arn") {
        return (arn.to_string(), None);
    }
    if n.id.starts_with("arn:") {
        let arn = n.id.split('@').next().unwrap_or(&n.id);
        return (arn.to_string(), None);
    }
    let note = format!(
        "# The export holds no ARN for {}: the AWS managed policy of that name is assumed.",
        comment_safe(&n.id)
    );
    (format!("arn:aws:iam::aws:policy/{}", n.native), Some(note))
}

fn aws_command(s: &PlanStep) -> Option<String> {
    let user = sh_quote(native(&s.subject));
    match &s.action {
        Action::DisableAccount { .. } => Some(format!(
            "run aws iam delete-login-profile --user-name {user} \
             || echo 'note: no console password to delete'\n\
             for key in $(aws iam list-access-keys --user-name {user} \
             --query 'AccessKeyMetadata[].AccessKeyId' --output text); do\n\
             \x20   run aws iam update-access-key --user-name {user} --access-key-id \"$key\" \
             --status Inactive\n\
             done"
        )),
        Action::RemoveMembership { .. }
            if kind_of(&s.subject) == "account" && kind_of(&s.object) == "group" =>
        {
            Some(format!(
                "run aws iam remove-user-from-group --user-name {user} --group-name {}",
                sh_quote(native(&s.object))
            ))
        }
        Action::RevokeGrant { .. } => {
            let object = s.object.as_ref()?;
            let (arn, note) = policy_arn(object);
            let verb = match kind_of(&s.subject) {
                "account" => "detach-user-policy --user-name",
                "group" => "detach-group-policy --group-name",
                "role" => "detach-role-policy --role-name",
                _ => return None,
            };
            let cmd = format!("run aws iam {verb} {user} --policy-arn {}", sh_quote(&arn));
            Some(match note {
                Some(n) => format!("{n}\n{cmd}"),
                None => cmd,
            })
        }
        _ => None,
    }
}

// ---- Microsoft Graph ----------------------------------------------------------

const GRAPH: &str = "https://graph.microsoft.com/v1.0";

fn graph(plan: &Plan, steps: &[&PlanStep], elsewhere: usize) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "#",
        "Microsoft Entra ID / Microsoft 365 (Graph)",
        plan,
        steps.len(),
        elsewhere,
    );
    out.push_str(
        "# Microsoft Graph requests in .http form (method, URL, headers, body), one per\n\
         # ### block. Add your own Authorization header; nothing here is sent by AISF.\n",
    );
    for s in steps {
        out.push_str("\n###");
        step_comment(&mut out, "#", s);
        match graph_request(s) {
            Some(req) if s.kind == StepKind::Change => out.push_str(&req),
            _ => {
                let _ = writeln!(out, "#   To decide: {}", review_text(&s.action));
            }
        }
    }
    footer(&mut out, "#", elsewhere);
    out
}

/// A user's id for Graph: its object id, else its user principal name.
fn graph_user(n: &PlanNode) -> String {
    n.id_prop("object_id")
        .or(n.id_prop("user_principal_name"))
        .or(n.id_prop("email"))
        .unwrap_or(&n.native)
        .to_string()
}

/// A directory object's id for Graph, with a note when the export holds no
/// object id and the name stands in for it.
fn graph_object(n: &PlanNode, what: &str) -> (String, String) {
    match n.id_prop("object_id") {
        Some(id) => (id.to_string(), String::new()),
        None => (
            n.native.clone(),
            format!(
                "# The export holds no object id for {what} {}: replace {} in the URL with its \
                 id.\n",
                comment_safe(&n.native),
                comment_safe(&url_segment(&n.native))
            ),
        ),
    }
}

fn graph_request(s: &PlanStep) -> Option<String> {
    let subject = s.subject.as_ref()?;
    let member = url_segment(&graph_user(subject));
    match &s.action {
        Action::DisableAccount { .. } => Some(format!(
            "PATCH {GRAPH}/users/{member}\nContent-Type: application/json\n\n{}\n",
            json!({ "accountEnabled": false })
        )),
        Action::RemoveMembership { .. } => {
            let (gid, note) = graph_object(s.object.as_ref()?, "group");
            let member = if subject.kind == "group" {
                url_segment(&graph_object(subject, "group").0)
            } else {
                member
            };
            Some(format!(
                "{note}DELETE {GRAPH}/groups/{}/members/{member}/$ref\n",
                url_segment(&gid)
            ))
        }
        Action::RemoveRole { .. } => {
            let (rid, note) = graph_object(s.object.as_ref()?, "directory role");
            Some(format!(
                "{note}DELETE {GRAPH}/directoryRoles/{}/members/{member}/$ref\n",
                url_segment(&rid)
            ))
        }
        Action::RevokeGrant { .. } => {
            let ent = s.object.as_ref()?;
            Some(format!(
                "# Find the app role assignment of {} and delete it by its id:\n\
                 GET {GRAPH}/users/{member}/appRoleAssignments\n\
                 # DELETE {GRAPH}/users/{member}/appRoleAssignments/{{assignment-id}}\n",
                comment_safe(&ent.native)
            ))
        }
        _ => None,
    }
}

// ---- SCIM -------------------------------------------------------------------

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn scim(plan: &Plan, steps: &[&PlanStep], elsewhere: usize) -> String {
    let mut requests = Vec::new();
    let mut review = Vec::new();
    for s in steps {
        let closes: Vec<Json> = s
            .closes
            .iter()
            .map(
                |f| json!({ "rule": f.rule, "subject": f.subject(), "entitlement": f.entitlement }),
            )
            .collect();
        match scim_request(s) {
            Some(mut req) if s.kind == StepKind::Change => {
                let obj = req.as_object_mut().expect("scim_request makes objects");
                obj.insert("step".into(), json!(s.number));
                obj.insert("system".into(), json!(s.system));
                obj.insert("summary".into(), json!(s.summary));
                obj.insert("risk".into(), json!(s.risk));
                obj.insert("closes".into(), json!(closes));
                requests.push(req);
            }
            _ => review.push(json!({
                "step": s.number,
                "system": s.system,
                "summary": s.summary,
                "risk": s.risk,
                "to_decide": review_text(&s.action),
                "closes": closes,
            })),
        }
    }
    let doc = json!({
        "notice": NOTICE,
        "format": "SCIM 2.0 PatchOp requests (RFC 7644, section 3.5.2); paths are relative \
                   to each system's SCIM base URL",
        "scanned_at": plan.scanned_at,
        "findings": plan.findings,
        "steps_for_other_systems": elsewhere,
        "requests": requests,
        "review": review,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// A SCIM resource's id: its object id when the export has one, else the
/// name, with a lookup request to find the id.
fn scim_ref(n: &PlanNode, resource: &str, attr: &str) -> (String, Option<String>) {
    match n.id_prop("object_id") {
        Some(id) => (id.to_string(), None),
        None => {
            let filter = format!("{attr} eq {}", scim_literal(&n.native));
            let lookup = format!("GET /{resource}?filter={}", url_segment(&filter));
            (n.native.clone(), Some(lookup))
        }
    }
}

fn patch(op: &str, path: &str, value: Option<Json>) -> Json {
    let mut o = json!({ "op": op, "path": path });
    if let Some(v) = value {
        o["value"] = v;
    }
    json!({ "schemas": [PATCH_OP], "Operations": [o] })
}

fn scim_request(s: &PlanStep) -> Option<Json> {
    let subject = s.subject.as_ref()?;
    let (uid, lookup) = scim_ref(subject, "Users", "userName");
    let user_path = format!("/Users/{}", url_segment(&uid));
    let (method, path, body, lookup) = match &s.action {
        Action::DisableAccount { .. } => {
            ("PATCH", user_path, patch("replace", "active", Some(json!(false))), lookup)
        }
        Action::RemoveMembership { .. } => {
            let group = s.object.as_ref()?;
            let (gid, glookup) = scim_ref(group, "Groups", "displayName");
            let (member, mlookup) = if subject.kind == "group" {
                scim_ref(subject, "Groups", "displayName")
            } else {
                (uid, lookup)
            };
            let filter = format!("members[value eq {}]", scim_literal(&member));
            let lookups: Vec<String> = glookup.into_iter().chain(mlookup).collect();
            let lookup = (!lookups.is_empty()).then(|| lookups.join("; "));
            (
                "PATCH",
                format!("/Groups/{}", url_segment(&gid)),
                patch("remove", &filter, None),
                lookup,
            )
        }
        Action::RemoveRole { .. } if subject.kind == "account" => {
            let role = native(&s.object);
            let filter = format!("roles[value eq {}]", scim_literal(role));
            ("PATCH", user_path, patch("remove", &filter, None), lookup)
        }
        Action::RevokeGrant { .. } if subject.kind == "account" => {
            let ent = native(&s.object);
            let filter = format!("entitlements[value eq {}]", scim_literal(ent));
            ("PATCH", user_path, patch("remove", &filter, None), lookup)
        }
        _ => return None,
    };
    let mut req = json!({ "method": method, "path": path, "body": body });
    if let Some(l) = lookup {
        req["find_id_first"] = json!(l);
    }
    Some(req)
}
