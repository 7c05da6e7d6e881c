//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password with a fresh random salt, as a PHC string (`$argon2id$v=19$…`).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Hashes with a caller-chosen salt: only for generated demo accounts, whose whole data set
/// must be reproducible from a seed.
pub fn hash_password_with_salt(password: &str, salt: &[u8; 16]) -> Result<String, HashError> {
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), salt)
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Whether `password` matches a stored PHC string. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored_hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_own_password() -> Result<(), HashError> {
        let hash = hash_password("Mật khẩu đủ dài 2026")?;
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("Mật khẩu đủ dài 2026", &hash));
        assert!(!verify_password("mat khau du dai 2026", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_eq!(
            hash_password_with_salt("x", &[3; 16])?,
            hash_password_with_salt("x", &[3; 16])?
        );
        Ok(())
    }
}
