//! First start of a new box: no admin account and no default password exist. The appliance's
//! first boot writes a one-time setup code to `DATA_DIR/setup-code` and shows it on the
//! console and the local screen; the web UI's first page asks for it before it creates the
//! admin account, then the code is deleted so it can never be used again.

use std::path::PathBuf;

use subtle::ConstantTimeEq;

use super::{Result, ServiceError, UserInput, create_user};
use crate::domain::{AppRole, User};
use crate::store::{Actor, Store};

/// File name of the one-time setup code in the data directory.
pub const SETUP_CODE_FILE: &str = "setup-code";

fn code_path(store: &Store) -> PathBuf {
    store.dir().join(SETUP_CODE_FILE)
}

/// The code as a person types it: case, spaces and dashes do not matter.
fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether the box waits for its first administrator: a setup code was issued and no login
/// exists yet.
pub fn setup_open(store: &Store) -> Result<bool> {
    if !code_path(store).is_file() {
        return Ok(false);
    }
    Ok(store.read()?.count::<User>()? == 0)
}

/// Create the first administrator if `code` is the setup code, then delete the code. A
/// wrong code, or a box that already has a login, is refused and changes nothing.
pub fn complete_setup(
    store: &Store,
    actor: &Actor,
    code: &str,
    email: &str,
    password: &str,
) -> Result<User> {
    if !setup_open(store)? {
        return Err(ServiceError::Conflict(
            "this box is already set up; log in instead".into(),
        ));
    }
    let path = code_path(store);
    let expected = std::fs::read_to_string(&path).map_err(|e| {
        ServiceError::Store(crate::store::StoreError::Io {
            context: format!("cannot read {}", path.display()),
            source: e,
        })
    })?;
    let (given, expected) = (normalize(code), normalize(&expected));
    if expected.is_empty() || !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(ServiceError::Unauthorized(
            "that is not the setup code shown on this box's screen".into(),
        ));
    }
    let user = create_user(
        store,
        actor,
        UserInput {
            email: email.to_owned(),
            password: password.to_owned(),
            role: AppRole::Admin,
            employee_id: None,
        },
    )?;
    if let Err(e) = std::fs::remove_file(&path) {
        // The account exists, so setup_open is false from now on whatever the file does.
        tracing::warn!(
            "could not delete the used setup code {}: {e}",
            path.display()
        );
    }
    Ok(user)
}
