//! The endpoint handlers and the route table: every spec path with its handler, whether it reads
//! or writes (`kinds.rs`: the read cache holds read answers only) and whether its failures are
//! logged.

mod catalog_reads;
mod coordinator;
pub mod kinds;
mod login;
mod mappings;
mod mobile_query;
mod mobile_v1;
mod mobile_v2_field;
mod mobile_v2_lists;
mod request;
mod request_fields;
mod services;
mod services_v2;

use kinds::{read, write, Route};

/// All 50 endpoints.
pub static ROUTES: &[Route] = &[
    // Login (v1 JSON and XML, v2).
    write("/services/login", login::login_v1),
    write("/services/xml/login", login::login_v1),
    write("/services/v2/login", login::login_v2),
    // Mobile v1.
    read("/mobile/notification/getByUser", mobile_v1::get_by_user),
    read("/mobile/notification/getById", mobile_v1::get_by_id),
    write("/mobile/notification/feedback", mobile_v1::feedback),
    read("/mobile/notification/getReasons", mobile_v1::get_reasons),
    write("/mobile/notification/new", mobile_v1::new_request),
    // Mobile v2 lists and detail.
    read("/mobile/v2/notification/getByUser", mobile_v2_lists::get_by_user),
    read("/mobile/v2/notification/getNewest", mobile_v2_lists::get_newest),
    read("/mobile/v2/notification/getOldest", mobile_v2_lists::get_oldest),
    read("/mobile/v2/notification/getByCoordinates", mobile_v2_lists::get_by_coordinates),
    read("/mobile/v2/notification/update", mobile_v2_lists::update),
    read("/mobile/v2/notification/buscaSolicitacao", mobile_v2_lists::busca_solicitacao),
    read("/mobile/v2/notification/getById", mobile_v2_lists::get_by_id),
    // Mobile v2 field service.
    write("/mobile/v2/notification/attendRequest", mobile_v2_field::attend_request),
    write("/mobile/v2/notification/checkin", mobile_v2_field::checkin),
    write("/mobile/v2/notification/checkin/denied", mobile_v2_field::checkin_denied),
    write("/mobile/v2/notification/checkout", mobile_v2_field::checkout),
    write("/mobile/v2/notification/location", mobile_v2_field::location),
    // Mobile v2 justifications and coordinators.
    read("/mobile/v2/notification/getJustificativas", coordinator::get_justificativas),
    read("/mobile/v2/notification/getGruposLiderados", coordinator::get_grupos_liderados),
    read("/mobile/v2/notification/getEquipeColaborador", coordinator::get_equipe_colaborador),
    read("/mobile/v2/notification/getColaborador", coordinator::get_colaborador),
    write("/mobile/v2/notification/atribuicoesEquipesSolicitacoes", coordinator::atribuicoes_equipes),
    write("/mobile/v2/notification/atualizaInformacoesSolicitacoes", coordinator::atualiza_informacoes),
    // Services.
    write("/services/addServiceRequest", services::add_service_request).logged(),
    write("/services/xml/addServiceRequest", services::add_service_request).logged(),
    write("/services/data/query", services::data_query).logged(),
    read("/services/error/getList", services::error_list).logged(),
    read("/services/execute", services::execute).logged(),
    write("/services/occurrence/getNotSynchronized", services::occurrences_not_synchronized).logged(),
    write("/services/synchronize", mappings::synchronize).logged(),
    write("/services/synchronize/delete", mappings::delete).logged(),
    read("/services/synchronize/find", mappings::find).logged(),
    // Services/request.
    write("/services/request/create", request::create).logged(),
    write("/services/request/createOccurrence", request::create_occurrence).logged(),
    read("/services/request/getById", request::get_by_id).logged(),
    read("/services/request/getByUser", request::get_by_user).logged(),
    write("/services/request/getNotSynchronized", request::get_not_synchronized).logged(),
    read("/services/request/listOccurrences", request::list_occurrences).logged(),
    write("/services/request/update", request::update).logged(),
    write("/services/request/updateStatus", request::update_status).logged(),
    // Services v2.
    read("/services/v2/contracts", catalog_reads::contracts).logged(),
    write("/services/v2/coordinates", services_v2::coordinates).logged(),
    read("/services/v2/deniedReasons", catalog_reads::denied_reasons).logged(),
    write("/services/v2/device/disassociate", services_v2::device_disassociate).logged(),
    read("/services/v2/getWorkflow", services_v2::get_workflow).logged(),
    read("/services/v2/status", catalog_reads::status).logged(),
    read("/services/v2/units", services_v2::units).logged(),
];

/// The route of a spec path.
pub fn route_for(path: &str) -> Option<(usize, &'static Route)> {
    ROUTES.iter().enumerate().find(|(_, r)| r.path == path)
}

#[cfg(test)]
mod tests {
    use super::ROUTES;

    #[test]
    fn every_spec_endpoint_has_one_route() {
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap();
        let spec = registry.spec();
        assert_eq!(ROUTES.len(), spec.endpoints.len());
        for endpoint in &spec.endpoints {
            assert_eq!(ROUTES.iter().filter(|r| r.path == endpoint.path).count(), 1, "{}", endpoint.path);
        }
    }
}
