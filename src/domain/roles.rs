//! The four roles a login can have: administrator, job-centre staff, employer, trainee.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Staff,
    Employer,
    Trainee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Employer => "employer",
            Role::Trainee => "trainee",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Admin, Role::Staff, Role::Employer, Role::Trainee]
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}
