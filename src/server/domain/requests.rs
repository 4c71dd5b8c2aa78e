//! Opening requests: mobile v1 `new`, `/services/request/create` and the old addServiceRequest.
//! Each checks its own rules; all three store the request the same way (`open`).

use super::catalog::Catalog;
use super::mappings::Mapping;
use super::occurrence_log::NewOccurrence;
use super::refusal::Refusal;
use super::world::World;
use crate::server::data::{ContactInfo, Role, Task, TaskKind, TaskState, Ticket};

/// What opening a request needs; number, task, unit and position are derived.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub number_origin: String,
    /// `I` or `R`.
    pub kind: String,
    pub description: String,
    pub requester: String,
    pub contact: ContactInfo,
    pub service_code: i64,
    pub contract_id: i64,
    pub urgency: String,
    pub impact: String,
    pub group_id: Option<String>,
    pub created_at: i64,
    /// A number read before the write (`duplicate-numbers`); `None` allocates the next one.
    pub number: Option<i64>,
}

/// Contact fields a call sends (each optional).
#[derive(Debug, Clone, Default)]
pub struct ContactUpdate {
    pub name: Option<String>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
    pub department: Option<String>,
}

impl ContactUpdate {
    pub fn apply(self, contact: &mut ContactInfo) {
        if let Some(name) = self.name {
            contact.name = name;
        }
        if self.phone_number.is_some() {
            contact.phone_number = self.phone_number;
        }
        if self.email.is_some() {
            contact.email = self.email;
        }
        if self.department.is_some() {
            contact.department = self.department;
        }
    }
}

/// `/services/request/create` (D-REQUEST-CREATE), decoded.
#[derive(Debug, Clone)]
pub struct CreateRequest {
    pub number_origin: String,
    pub kind: String,
    pub description: String,
    pub user_id: String,
    pub contact: Option<ContactUpdate>,
    pub contract: Option<i64>,
    pub service: Option<i64>,
    pub urgency: String,
    pub impact: String,
    pub group_id: Option<String>,
    /// Also keep the DE-PARA entry of the request (facts §2.32).
    pub synchronize: bool,
    pub now: i64,
    pub number: Option<i64>,
    /// Who creates it (the creation occurrence's user).
    pub actor: String,
}

/// The old CtAddServiceRequest (facts §2.25), decoded.
#[derive(Debug, Clone)]
pub struct ServiceRequest {
    pub number: String,
    pub kind: String,
    pub description: String,
    pub urgency: String,
    pub impact: String,
    pub user_id: String,
    pub service_code: i64,
    pub group_id: Option<String>,
    /// The contact, when one was sent (a missing name is the requester's).
    pub contact: Option<ContactUpdate>,
    pub now: i64,
    pub actor: String,
}

/// Mobile v1 `new`, decoded.
#[derive(Debug, Clone)]
pub struct MobileRequest {
    pub login: String,
    pub description: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub now: i64,
    pub number: Option<i64>,
}

/// `0930` for 09:30 UTC.
pub fn hhmm(ms: i64) -> String {
    let text = crate::time::iso(ms);
    format!("{}{}", text.get(11..13).unwrap_or("00"), text.get(14..16).unwrap_or("00"))
}

fn check_user(catalog: &Catalog, login: &str) -> Result<(), Refusal> {
    catalog.user(login).map(|_| ()).ok_or_else(|| Refusal::input(format!("Usuário {login} não encontrado")))
}

fn check_service(catalog: &Catalog, code: i64) -> Result<(), Refusal> {
    match catalog.service(code) {
        Some(_) => Ok(()),
        None => Err(Refusal::input(format!("Serviço {code} não encontrado"))),
    }
}

fn check_contract(catalog: &Catalog, id: i64) -> Result<(), Refusal> {
    if catalog.contract_exists(id) {
        Ok(())
    } else {
        Err(Refusal::input(format!("Contrato {id} não encontrado")))
    }
}

impl World {
    /// Opens a request with one execution task for a technician (of the requested group when one
    /// belongs to it) and logs its creation occurrence. Returns its number.
    fn open(&mut self, new: NewRequest, actor: &str) -> i64 {
        let catalog = &self.catalog;
        let technicians = || catalog.users.iter().filter(|u| u.role == Role::Technician);
        let assignee = technicians()
            .find(|u| new.group_id.as_deref() == Some(u.group_id.as_str()))
            .or_else(|| technicians().next())
            .or_else(|| catalog.users.first())
            .map_or_else(|| (new.requester.clone(), String::new()), |u| (u.login.clone(), u.group_id.clone()));
        let (assignee, tech_group) = assignee;
        let unit_id = catalog.user(&new.requester).map(|u| u.unit_id).or_else(|| catalog.units.first().map(|u| u.id));
        let unit_id = unit_id.unwrap_or(0);
        let (latitude, longitude) = self.units.get(unit_id).unwrap_or((0.0, 0.0));
        let number = match new.number {
            Some(n) => self.numbering.number_at(n),
            None => self.numbering.number(),
        };
        let task_id = self.numbering.task_id();
        let incident = new.kind == "I";
        let ticket = Ticket {
            number,
            number_origin: Some(new.number_origin),
            mobile_type: if incident { 4 } else { 5 },
            kind: new.kind,
            description: new.description,
            opened_by: (new.requester != actor).then(|| actor.to_string()),
            requester: new.requester,
            contact: new.contact,
            service_code: new.service_code,
            contract_id: new.contract_id,
            unit_id,
            urgency: new.urgency,
            impact: new.impact,
            group_id: new.group_id.unwrap_or(tech_group),
            status: "EmAndamento".into(),
            created_at: new.created_at,
            latitude,
            longitude,
            tasks: vec![Task {
                task_id,
                name: if incident { "Atender incidente".into() } else { "Atender solicitação".into() },
                kind: TaskKind::Execution,
                state: TaskState::Available,
                assignee,
                sla_minutes: 480,
                priority_order: None,
            }],
        };
        self.store_created(ticket);
        let creation = NewOccurrence {
            number_origin: None,
            description: "Registro da solicitação".into(),
            date: crate::time::iso(new.created_at),
            hour: hhmm(new.created_at),
            category: "Criacao".into(),
            reason: None,
            user: actor.to_string(),
        };
        self.log_occurrence(number, creation, true);
        number
    }

    /// `/services/request/create`: numberOrigin must be new; requester, contract and service must
    /// exist. Returns the request's number.
    pub fn create_request(&mut self, request: CreateRequest) -> Result<i64, Refusal> {
        let origin = request.number_origin;
        if self.tickets.origin_taken(&origin) {
            return Err(Refusal::input(format!("Solicitação de origem {origin} já cadastrada")));
        }
        check_user(&self.catalog, &request.user_id)?;
        if let Some(id) = request.contract {
            check_contract(&self.catalog, id)?;
        }
        if let Some(code) = request.service {
            check_service(&self.catalog, code)?;
        }
        let catalog = &self.catalog;
        let user = catalog.user(&request.user_id);
        let user_contracts: &[i64] = user.map_or(&[], |u| u.contract_ids.as_slice());
        // Without a service, the first one of the contract (or of the requester's contracts) is
        // used, as the real product falls back to the default service of the integration.
        let service_def = match request.service {
            Some(code) => catalog.service(code),
            None => catalog
                .services
                .iter()
                .find(|s| request.contract.map_or(user_contracts.contains(&s.contract_id), |c| s.contract_id == c))
                .or_else(|| catalog.services.first()),
        };
        let (service_code, service_contract) = service_def.map_or((0, None), |s| (s.code, Some(s.contract_id)));
        let contract_id =
            request.contract.or(service_contract).or_else(|| catalog.contracts.first().map(|c| c.id)).unwrap_or(0);
        let mut contact =
            ContactInfo { name: user.map(|u| u.name.clone()).unwrap_or_default(), ..ContactInfo::default() };
        if let Some(update) = request.contact {
            update.apply(&mut contact);
        }
        let new = NewRequest {
            number_origin: origin.clone(),
            kind: request.kind,
            description: request.description,
            requester: request.user_id,
            contact,
            service_code,
            contract_id,
            urgency: request.urgency,
            impact: request.impact,
            group_id: request.group_id,
            created_at: request.now,
            number: request.number,
        };
        let number = self.open(new, &request.actor);
        if request.synchronize {
            self.mappings.put(Mapping { object: "request".into(), from_key: origin, to_key: number.to_string() });
        }
        Ok(number)
    }

    /// The old addServiceRequest: a repeated source number is INPUT, an unknown user or a service
    /// outside the integration's contracts PARAM (facts §2.25). Returns the request's number.
    pub fn add_service_request(&mut self, request: ServiceRequest) -> Result<i64, Refusal> {
        if self.tickets.origin_taken(&request.number) {
            return Err(Refusal::input("Solicitação de serviço já cadastrada no CITSmart"));
        }
        let Some(user) = self.catalog.user(&request.user_id) else {
            return Err(Refusal::param("Dados do usuário não cadastrados"));
        };
        // The real operation needs the service linked to a contract of the integration.
        let Some(service) = self.catalog.service(request.service_code) else {
            return Err(Refusal::param(format!("Serviço {} não vinculado a um contrato", request.service_code)));
        };
        let contact = match request.contact {
            Some(c) => ContactInfo {
                name: c.name.unwrap_or_else(|| user.name.clone()),
                phone_number: c.phone_number,
                email: c.email,
                department: c.department,
            },
            None => ContactInfo { name: user.name.clone(), ..ContactInfo::default() },
        };
        let new = NewRequest {
            number_origin: request.number,
            kind: request.kind,
            description: request.description,
            requester: user.login.clone(),
            contact,
            service_code: request.service_code,
            contract_id: service.contract_id,
            urgency: request.urgency,
            impact: request.impact,
            group_id: request.group_id,
            created_at: request.now,
            number: None,
        };
        Ok(self.open(new, &request.actor))
    }

    /// Mobile v1 `new`: a request for the session user with the defaults of their contract, whose
    /// execution task is theirs, so that their getByUser lists it (MV1-NEW-004).
    pub fn open_mobile_request(&mut self, request: MobileRequest) -> Result<i64, Refusal> {
        let catalog = &self.catalog;
        let user = catalog.user(&request.login).ok_or_else(|| Refusal::param("Unknown user"))?;
        let contract_id = user
            .contract_ids
            .iter()
            .copied()
            .find(|id| catalog.contract_exists(*id))
            .or_else(|| catalog.contracts.first().map(|c| c.id))
            .ok_or_else(|| Refusal::param("Default contract not parameterized"))?;
        let service_code = catalog
            .services
            .iter()
            .find(|s| s.contract_id == contract_id)
            .or_else(|| catalog.services.first())
            .map(|s| s.code)
            .ok_or_else(|| Refusal::param("Default service not parameterized"))?;
        // The data set's position of the user's unit (not where `coordinates` moved it).
        let unit = catalog.units.iter().find(|u| u.id == user.unit_id);
        let (unit_lat, unit_lon) = unit.map_or((0.0, 0.0), |u| (u.latitude, u.longitude));
        let (login, name, unit_id, group_id) =
            (user.login.clone(), user.name.clone(), user.unit_id, user.group_id.clone());
        let number = match request.number {
            Some(n) => self.numbering.number_at(n),
            None => self.numbering.number(),
        };
        let task_id = self.numbering.task_id();
        let ticket = Ticket {
            number,
            number_origin: None,
            kind: "R".into(),
            mobile_type: 5,
            description: request.description,
            requester: login.clone(),
            opened_by: None,
            contact: ContactInfo { name, ..ContactInfo::default() },
            service_code,
            contract_id,
            unit_id,
            urgency: "M".into(),
            impact: "M".into(),
            group_id,
            status: "EmAndamento".into(),
            created_at: request.now,
            latitude: request.latitude.unwrap_or(unit_lat),
            longitude: request.longitude.unwrap_or(unit_lon),
            tasks: vec![Task {
                task_id,
                name: "Atender solicitação".into(),
                kind: TaskKind::Execution,
                state: TaskState::Available,
                assignee: login,
                sla_minutes: 480,
                priority_order: None,
            }],
        };
        self.store_created(ticket);
        Ok(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::data::DataSet;
    use crate::server::domain::lookup::Lookup;
    use crate::server::domain::{Code, WorldOptions};

    fn create(origin: &str) -> CreateRequest {
        CreateRequest {
            number_origin: origin.to_string(),
            kind: "I".into(),
            description: format!("Chamado {origin}"),
            user_id: "solicitante".into(),
            contact: None,
            contract: None,
            service: None,
            urgency: "M".into(),
            impact: "M".into(),
            group_id: None,
            synchronize: false,
            now: 1_700_000_000_000,
            number: None,
            actor: "solicitante".into(),
        }
    }

    /// The numberOrigin index keeps creation free of scans and still refuses every repeat.
    #[test]
    fn number_origin_stays_unique_at_scale() {
        let options = WorldOptions { max_requests: 50_000, ..WorldOptions::default() };
        let mut world = World::with(DataSet::builtin(), &options);
        let numbers: Vec<i64> =
            (0..30_000).map(|i| world.create_request(create(&format!("SRC-{i}"))).unwrap()).collect();
        assert_eq!(numbers.iter().collect::<std::collections::BTreeSet<_>>().len(), numbers.len());
        for i in (0..30_000).step_by(997) {
            let refusal = world.create_request(create(&format!("SRC-{i}"))).unwrap_err();
            assert_eq!(refusal.code, Code::Input);
            assert!(refusal.message.contains("já cadastrada"), "{}", refusal.message);
        }
        for i in (0..30_000).step_by(1009) {
            let found = world.find(&Lookup::Origin(format!("SRC-{i}"))).unwrap();
            assert_eq!(found.number, numbers[i]);
        }
        assert_eq!(world.tickets().len(), 50 + 30_000);
    }

    /// Past the cap the oldest run-time request goes, with its occurrences; its source number is
    /// free again, the kept ones are still refused.
    #[test]
    fn the_request_cap_forgets_the_oldest_with_what_refers_to_them() {
        let options = WorldOptions { max_requests: 1000, ..WorldOptions::default() };
        let mut world = World::with(DataSet::builtin(), &options);
        let first = world.create_request(create("SRC-0")).unwrap();
        for i in 1..3000 {
            world.create_request(create(&format!("SRC-{i}"))).unwrap();
        }
        assert_eq!(world.tickets().len(), 50 + 1000);
        assert_eq!(world.occurrences().len(), 1000, "one creation occurrence per kept request");
        assert!(world.tickets().get(first).is_none() && world.occurrences().of(first).next().is_none());
        assert!(world.create_request(create("SRC-0")).is_ok(), "a forgotten source number is free");
        assert!(world.create_request(create("SRC-2999")).is_err(), "a kept one is not");
    }
}
