//! Why a command did not happen: a code of the API's error vocabulary (D-ERROR) and the product's
//! text. The edge turns it into a 412 with `{code, description}`.

use std::fmt;

/// The error codes the reference answers (facts §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Input,
    Param,
    Internal,
    Session,
    /// The user's group may not run the operation (AG's `Rest_Permission` check, facts §1, §3.2).
    Permission,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Input => "INPUT",
            Code::Param => "PARAM",
            Code::Internal => "INTERNAL",
            Code::Session => "SESSION",
            Code::Permission => "PERMISSION",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A command refused: nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: Code,
    pub message: String,
}

impl Refusal {
    pub fn new(code: Code, message: impl Into<String>) -> Refusal {
        Refusal { code, message: message.into() }
    }

    pub fn input(message: impl Into<String>) -> Refusal {
        Refusal::new(Code::Input, message)
    }

    pub fn param(message: impl Into<String>) -> Refusal {
        Refusal::new(Code::Param, message)
    }

    pub fn permission(message: impl Into<String>) -> Refusal {
        Refusal::new(Code::Permission, message)
    }

    pub fn internal(message: impl Into<String>) -> Refusal {
        Refusal::new(Code::Internal, message)
    }
}
