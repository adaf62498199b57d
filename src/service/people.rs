//! Employees, users (logins) and API tokens.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    Editable, Fetch, Result, ServiceError, hash_password, live, new_secret, required_text,
    secret_hash, verify_password,
};
use crate::domain::*;
use crate::store::{Actor, Reader, Store, Writer};

/// Unique-key kinds.
use crate::store::keys::{BADGE, EMAIL, EMPLOYEE_NUMBER, TOKEN};

/// Fields of an employee. The badge token is made by the server, never supplied.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EmployeeInput {
    /// Unique employee number.
    pub number: String,
    /// Full name.
    pub name: String,
    /// Home site.
    pub site_id: Uuid,
    /// Department.
    #[serde(default)]
    pub department_id: Option<Uuid>,
    /// Job title.
    #[serde(default)]
    pub role_id: Option<Uuid>,
    /// Assigned projects.
    #[serde(default)]
    pub project_ids: Vec<Uuid>,
    /// Employment status (default active).
    #[serde(default)]
    pub status: Option<EmployeeStatus>,
    /// Linked login.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// The language the kiosk speaks to this person (`en`, `es`, `de`, `pl`); `""` clears it
    /// (the station's language then), omit to keep it.
    #[serde(default)]
    pub language: Option<String>,
}

impl Editable for Employee {
    type Input = EmployeeInput;

    fn build(w: &Writer, id: Uuid, i: EmployeeInput, existing: Option<&Self>) -> Result<Self> {
        let number = required_text("number", &i.number, 32)?;
        let name = required_text("name", &i.name, 120)?;
        let missing = |field: &'static str, what: &str, id: Uuid| {
            ServiceError::invalid(field, format!("{what} {id} does not exist"))
        };
        live::<Site>(w, i.site_id).map_err(|_| missing("site_id", "site", i.site_id))?;
        if let Some(d) = i.department_id {
            live::<Department>(w, d).map_err(|_| missing("department_id", "department", d))?;
        }
        if let Some(r) = i.role_id {
            live::<Role>(w, r).map_err(|_| missing("role_id", "role", r))?;
        }
        ServiceError::at_most(
            "project_ids",
            i.project_ids.len(),
            super::MAX_PROJECTS_PER_EMPLOYEE,
        )?;
        let mut project_ids = Vec::new();
        for p in i.project_ids {
            live::<Project>(w, p).map_err(|_| missing("project_ids", "project", p))?;
            if !project_ids.contains(&p) {
                project_ids.push(p);
            }
        }
        if let Some(u) = i.user_id
            && w.get::<User>(u)?.is_none()
        {
            return Err(missing("user_id", "user", u));
        }
        let language = match i.language {
            None => existing.and_then(|e| e.language.clone()),
            Some(l) => employee_language(&l)?,
        };
        Ok(Employee {
            id,
            number,
            badge_token: existing.map_or_else(BadgeToken::generate, |e| e.badge_token.clone()),
            name,
            site_id: i.site_id,
            department_id: i.department_id,
            role_id: i.role_id,
            project_ids,
            status: i
                .status
                .or(existing.map(|e| e.status))
                .unwrap_or(EmployeeStatus::Active),
            user_id: i.user_id,
            photo: existing.and_then(|e| e.photo.clone()),
            deleted_at: existing.and_then(|e| e.deleted_at),
            email: existing.and_then(|e| e.email.clone()),
            start_date: existing.and_then(|e| e.start_date),
            supervisor_id: existing.and_then(|e| e.supervisor_id),
            language,
        })
    }
}

/// Give an employee a new badge token; the old one is void from now on (a kiosk reports it as
/// replaced). Returns the updated employee.
pub fn regenerate_badge(store: &Store, actor: &Actor, id: Uuid) -> Result<Employee> {
    store.write(actor, |w| {
        let old: Employee = live(w, id)?;
        let mut new = old.clone();
        new.badge_token = BadgeToken::generate();
        w.retire_badge(old.badge_token.as_str(), id)?;
        w.put(&new)?;
        w.audit(
            "employee.regenerate_badge",
            "employee",
            Some(id),
            Some(&old),
            Some(&new),
        )?;
        Ok(new)
    })
}

/// Find a live employee by employee number or badge token (CLI and certify forms accept
/// either).
pub fn employee_by_badge_or_number(r: &impl Fetch, key: &str) -> Result<Employee> {
    let key = key.trim();
    let found = match r.fetch_unique::<Employee>(EMPLOYEE_NUMBER, key)? {
        Some(e) => Some(e),
        None => r.fetch_unique::<Employee>(BADGE, key)?,
    };
    found
        .filter(|e| e.deleted_at.is_none())
        .ok_or_else(|| ServiceError::not_found("employee", key))
}

/// A user as the API shows it: no password hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Record id.
    pub id: Uuid,
    /// Login email.
    pub email: String,
    /// App role.
    pub role: AppRole,
    /// Whether the user may log in.
    pub active: bool,
    /// Linked employee.
    pub employee_id: Option<Uuid>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            role: u.role,
            active: u.active,
            employee_id: u.employee_id,
        }
    }
}

/// A new user.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UserInput {
    /// Login email.
    pub email: String,
    /// Initial password (at least 10 characters).
    pub password: String,
    /// App role.
    pub role: AppRole,
    /// Linked employee.
    #[serde(default)]
    pub employee_id: Option<Uuid>,
}

/// Changes to a user (all optional).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct UserUpdate {
    /// New role.
    pub role: Option<AppRole>,
    /// Enable or disable login.
    pub active: Option<bool>,
    /// Link to an employee (`null` keeps the current link).
    pub employee_id: Option<Uuid>,
    /// New password.
    pub password: Option<String>,
}

fn normalize_email(email: &str) -> Result<String> {
    let e = required_text("email", email, 254)?.to_lowercase();
    let valid = e
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !e.contains(char::is_whitespace);
    if !valid {
        return Err(ServiceError::invalid(
            "email",
            format!("'{e}' is not an email address"),
        ));
    }
    Ok(e)
}

fn check_employee(w: &Writer, id: Option<Uuid>) -> Result<()> {
    if let Some(e) = id {
        live::<Employee>(w, e).map_err(|_| {
            ServiceError::invalid("employee_id", format!("employee {e} does not exist"))
        })?;
    }
    Ok(())
}

/// Create a login.
pub fn create_user(store: &Store, actor: &Actor, input: UserInput) -> Result<User> {
    let email = normalize_email(&input.email)?;
    // Hash outside the write transaction: it is deliberately slow.
    let password_hash = hash_password(&input.password)?;
    store.write(actor, |w| {
        check_employee(w, input.employee_id)?;
        let user = User {
            id: new_id(),
            email,
            password_hash,
            role: input.role,
            active: true,
            employee_id: input.employee_id,
            created_at: w.now(),
            language: None,
        };
        w.put(&user)?;
        w.audit(
            "user.create",
            "user",
            Some(user.id),
            None::<&User>,
            Some(&user),
        )?;
        Ok(user)
    })
}

/// Change a user's role, active flag, employee link or password.
pub fn update_user(store: &Store, actor: &Actor, id: Uuid, change: UserUpdate) -> Result<User> {
    if actor.user_id == Some(id)
        && (change.active == Some(false) || change.role.is_some_and(|r| r != AppRole::Admin))
    {
        return Err(ServiceError::Conflict(
            "You cannot disable or demote yourself; ask another administrator.".into(),
        ));
    }
    let password_hash = change.password.as_deref().map(hash_password).transpose()?;
    store.write(actor, |w| {
        let old: User = w
            .get(id)?
            .ok_or_else(|| ServiceError::not_found("user", id))?;
        check_employee(w, change.employee_id)?;
        let mut new = old.clone();
        if let Some(r) = change.role {
            new.role = r;
        }
        if let Some(a) = change.active {
            new.active = a;
        }
        if change.employee_id.is_some() {
            new.employee_id = change.employee_id;
        }
        let password_changed = password_hash.is_some();
        if let Some(h) = password_hash {
            new.password_hash = h;
        }
        w.put(&new)?;
        w.audit("user.update", "user", Some(id), Some(&old), Some(&new))?;
        // A disabled account or a changed password ends every session of that user, in the
        // same transaction: whoever held the old password is out at once.
        if !new.active || password_changed {
            w.delete_sessions_of(id)?;
        }
        Ok(new)
    })
}

/// An employee's language as typed (`"es"`, `" PL "`, `""` for none), checked against the
/// languages the kiosk and the UI speak.
pub fn employee_language(typed: &str) -> Result<Option<String>> {
    let code = typed.trim().to_ascii_lowercase();
    if code.is_empty() {
        return Ok(None);
    }
    if !UI_LANGUAGES.contains(&code.as_str()) {
        return Err(ServiceError::invalid(
            "language",
            format!(
                "'{}' is not a language Caliber speaks (choose one of {})",
                typed.trim(),
                UI_LANGUAGES.join(", ")
            ),
        ));
    }
    Ok(Some(code))
}

/// Set the web UI language of user `id` (`None`: follow the browser). Only a language the UI
/// has a catalogue for is accepted ([`UI_LANGUAGES`]); the change is audited.
pub fn set_user_language(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    language: Option<&str>,
) -> Result<User> {
    let language = match language.map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => {
            let code = l.to_ascii_lowercase();
            if !UI_LANGUAGES.contains(&code.as_str()) {
                return Err(ServiceError::invalid(
                    "language",
                    format!(
                        "'{l}' is not a language Caliber speaks (choose one of {})",
                        UI_LANGUAGES.join(", ")
                    ),
                ));
            }
            Some(code)
        }
    };
    store.write(actor, |w| {
        let old: User = w
            .get(id)?
            .ok_or_else(|| ServiceError::not_found("user", id))?;
        let mut new = old.clone();
        new.language = language;
        w.put(&new)?;
        w.audit("user.language", "user", Some(id), Some(&old), Some(&new))?;
        Ok(new)
    })
}

/// Set a user's password (CLI reset).
pub fn set_password(store: &Store, actor: &Actor, id: Uuid, password: &str) -> Result<User> {
    update_user(
        store,
        actor,
        id,
        UserUpdate {
            password: Some(password.to_owned()),
            ..UserUpdate::default()
        },
    )
}

/// The active user with this email and password; one message for every failure so a
/// caller learns nothing about which part was wrong.
pub fn verify_login(r: &Reader, email: &str, password: &str) -> Result<User> {
    let denied = || ServiceError::Unauthorized("wrong email or password".to_owned());
    let email = email.trim().to_lowercase();
    let user: Option<User> = r.by_unique(EMAIL, &email)?;
    match user {
        Some(u) if verify_password(password, &u.password_hash) => {
            if u.active {
                Ok(u)
            } else {
                Err(ServiceError::Unauthorized(
                    "this account is disabled; ask an administrator".to_owned(),
                ))
            }
        }
        Some(_) => Err(denied()),
        None => {
            // Spend the same time as a real check so response times don't reveal emails.
            let _ = verify_password(password, &DUMMY_HASH);
            Err(denied())
        }
    }
}

/// A real argon2id hash of a random secret, so an unknown email costs as much as a wrong
/// password.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&new_secret("dummy")).unwrap_or_default());

/// A new API token.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TokenInput {
    /// Who or what uses it.
    pub name: String,
    /// What it may do.
    pub role: AppRole,
}

/// Create an API token; returns the record and the token, which is shown only now.
pub fn create_token(store: &Store, actor: &Actor, input: TokenInput) -> Result<(ApiToken, String)> {
    let name = required_text("name", &input.name, 64)?;
    let secret = new_secret("cal");
    store.write(actor, |w| {
        let token = ApiToken {
            id: new_id(),
            name,
            role: input.role,
            token_hash: secret_hash(&secret),
            created_at: w.now(),
            revoked_at: None,
        };
        w.put(&token)?;
        w.audit(
            "api_token.create",
            "api_token",
            Some(token.id),
            None::<&ApiToken>,
            Some(&token),
        )?;
        Ok((token, secret))
    })
}

/// Revoke an API token.
pub fn revoke_token(store: &Store, actor: &Actor, id: Uuid) -> Result<ApiToken> {
    store.write(actor, |w| {
        let old: ApiToken = w
            .get(id)?
            .ok_or_else(|| ServiceError::not_found("api_token", id))?;
        if old.revoked_at.is_some() {
            return Err(ServiceError::Conflict(
                "token is already revoked".to_owned(),
            ));
        }
        let mut new = old.clone();
        new.revoked_at = Some(w.now());
        w.put(&new)?;
        w.audit(
            "api_token.revoke",
            "api_token",
            Some(id),
            Some(&old),
            Some(&new),
        )?;
        Ok(new)
    })
}

/// The live API token matching a bearer secret.
pub fn authenticate_token(r: &Reader, secret: &str) -> Result<ApiToken> {
    let token: Option<ApiToken> = r.by_unique(TOKEN, &secret_hash(secret))?;
    token
        .filter(|t| t.revoked_at.is_none())
        .ok_or_else(|| ServiceError::Unauthorized("unknown or revoked API token".to_owned()))
}

/// When each user last logged in, from the audit trail (newest first; stops once every
/// user in `users` is found).
pub fn last_logins(
    store: &Store,
    users: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, jiff::Timestamp>> {
    let mut found = std::collections::HashMap::new();
    if users.is_empty() {
        return Ok(found);
    }
    store.read()?.audit_newest_first(|e| {
        if e.action == "user.login"
            && let Some(id) = e.entity_id
            && users.contains(&id)
        {
            found.entry(id).or_insert(e.at);
        }
        found.len() < users.len()
    })?;
    Ok(found)
}

/// Record that an administrator lifted a login lock (the lock itself lives in the running
/// server's memory), so the audit trail shows who unlocked whom.
pub fn record_unlock(store: &Store, actor: &Actor, user_id: Uuid) -> Result<User> {
    store.write(actor, |w| {
        let user: User = w
            .get(user_id)?
            .ok_or_else(|| ServiceError::not_found("user", user_id))?;
        w.audit(
            "user.unlock",
            "user",
            Some(user_id),
            None::<&()>,
            Some(&serde_json::json!({ "email": user.email })),
        )?;
        Ok(user)
    })
}
