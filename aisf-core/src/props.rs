//! The property names AISF gives meaning to.
//!
//! Readers map each source's own attribute names onto these so that drift
//! rules and filters work the same whatever the source. A source's other
//! attributes are kept under their own names.
//!
//! Timestamps are [`Value::Time`](crate::Value::Time), in seconds since the
//! Unix epoch, UTC.

/// Bool: the account can log in.
pub const ENABLED: &str = "enabled";
/// Time: the last successful login.
pub const LAST_LOGIN: &str = "last_login";
/// Time: when the object was created.
pub const CREATED: &str = "created";
/// Bool: the object confers administrative control.
pub const PRIVILEGED: &str = "privileged";
/// Int: the privilege tier, 0 being control of identity itself.
pub const TIER: &str = "tier";
/// String: an email address.
pub const EMAIL: &str = "email";
/// String: the login name in its system.
pub const USERNAME: &str = "username";
/// String: the HR employee number.
pub const EMPLOYEE_ID: &str = "employee_id";
/// String: the department a person works in.
pub const DEPARTMENT: &str = "department";
/// String: a person's job title.
pub const TITLE: &str = "title";
/// String: employee, contractor, intern, guest...
pub const EMPLOYMENT_TYPE: &str = "employment_type";
/// String: active, terminated, on leave...
pub const STATUS: &str = "status";
/// Time: a person's first day.
pub const START_DATE: &str = "start_date";
/// Time: a person's last day (leavers, fixed-term contracts).
pub const END_DATE: &str = "end_date";
/// Bool: the account has multi-factor authentication.
pub const MFA: &str = "mfa";
/// String: human, service or shared.
pub const ACCOUNT_TYPE: &str = "account_type";
/// Bool: the password never expires (AD `pwdneverexpires`).
pub const PASSWORD_NEVER_EXPIRES: &str = "password_never_expires";
/// Bool: the account has a service principal name (kerberoastable).
pub const HAS_SPN: &str = "has_spn";
/// Bool: Kerberos pre-authentication is not required (AS-REP roastable).
pub const DONT_REQ_PREAUTH: &str = "dont_req_preauth";
/// String: a resource name, for entitlements.
pub const RESOURCE: &str = "resource";
/// String: a permission name, for entitlements.
pub const PERMISSION: &str = "permission";
/// String: the source the node came from (file and format).
pub const SOURCE: &str = "source";
