//! Requirement ids that code cites (rather than a suite or a schema annotation), named once. A test
//! checks each against the catalogue, so a renamed requirement cannot leave code citing nothing.

pub const GEN_HTTP_001: &str = "GEN-HTTP-001";
pub const GEN_HTTP_002: &str = "GEN-HTTP-002";
pub const GEN_HTTP_003: &str = "GEN-HTTP-003";
pub const GEN_HTTP_004: &str = "GEN-HTTP-004";
pub const GEN_HTTP_005: &str = "GEN-HTTP-005";
pub const GEN_HTTP_006: &str = "GEN-HTTP-006";
pub const GEN_ENV_001: &str = "GEN-ENV-001";
pub const GEN_ENV_002: &str = "GEN-ENV-002";
pub const GEN_ENV_003: &str = "GEN-ENV-003";
pub const GEN_ENV_004: &str = "GEN-ENV-004";
pub const GEN_ENV_005: &str = "GEN-ENV-005";
pub const GEN_ENV_006: &str = "GEN-ENV-006";
pub const GEN_ERR_001: &str = "GEN-ERR-001";
pub const GEN_ERR_002: &str = "GEN-ERR-002";
pub const GEN_ERR_003: &str = "GEN-ERR-003";
pub const GEN_ERR_004: &str = "GEN-ERR-004";
pub const GEN_ERR_005: &str = "GEN-ERR-005";
pub const GEN_ERR_006: &str = "GEN-ERR-006";
pub const GEN_SES_001: &str = "GEN-SES-001";
pub const GEN_SES_002: &str = "GEN-SES-002";
pub const GEN_SES_003: &str = "GEN-SES-003";
pub const GEN_INP_001: &str = "GEN-INP-001";
pub const GEN_INP_002: &str = "GEN-INP-002";
pub const GEN_INP_003: &str = "GEN-INP-003";
pub const MV2_GETBYUSER_001: &str = "MV2-GETBYUSER-001";
pub const MV2_GETBYUSER_002: &str = "MV2-GETBYUSER-002";
pub const MV2_GETBYUSER_003: &str = "MV2-GETBYUSER-003";

/// v2 getByUser answers the bare 501 form (D-V2-GETBYUSER): its envelope and session rules differ.
pub const V2_GET_BY_USER: &str = "/mobile/v2/notification/getByUser";

/// Every id above, for the catalogue test.
pub const ALL: &[&str] = &[
    GEN_HTTP_001,
    GEN_HTTP_002,
    GEN_HTTP_003,
    GEN_HTTP_004,
    GEN_HTTP_005,
    GEN_HTTP_006,
    GEN_ENV_001,
    GEN_ENV_002,
    GEN_ENV_003,
    GEN_ENV_004,
    GEN_ENV_005,
    GEN_ENV_006,
    GEN_ERR_001,
    GEN_ERR_002,
    GEN_ERR_003,
    GEN_ERR_004,
    GEN_ERR_005,
    GEN_ERR_006,
    GEN_SES_001,
    GEN_SES_002,
    GEN_SES_003,
    GEN_INP_001,
    GEN_INP_002,
    GEN_INP_003,
    MV2_GETBYUSER_001,
    MV2_GETBYUSER_002,
    MV2_GETBYUSER_003,
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_id_code_cites_is_in_the_catalogue() {
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).expect("the spec loads");
        for id in super::ALL {
            assert!(registry.spec().requirement(id).is_some(), "{id} is not in the catalogue");
        }
    }
}
