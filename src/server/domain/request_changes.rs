//! Changing a request: its fields (`/services/request/update`, facts §2.38) or its status
//! (`updateStatus`, facts §2.39).

use super::field_service::NO_ACCESS;
use super::lookup::Lookup;
use super::refusal::Refusal;
use super::requests::ContactUpdate;
use super::world::World;
use crate::server::data::Ticket;

/// Who asks for a change, and the switches of the ownership rule (D-USERS): the request's
/// requester, the session that opened it for the requester, and coordinators change it; anyone
/// else is refused with `PERMISSION`.
#[derive(Debug, Clone, Copy)]
pub struct Changer<'a> {
    pub login: &'a str,
    /// The `any-user-updates` freedom: every session may change every request.
    pub anyone: bool,
    /// The `refusal-still-applies` fault: the refusal is answered, and the change made anyway.
    pub refusal_applies: bool,
    /// `false` under the `write-not-persisted` / `status-not-persisted` faults: only the answered
    /// copy changes.
    pub persist: bool,
}

/// The fields an update sends (each optional).
#[derive(Debug, Clone, Default)]
pub struct RequestChanges {
    pub description: Option<String>,
    /// `I` or `R`.
    pub kind: Option<String>,
    pub user_id: Option<String>,
    pub contact: Option<ContactUpdate>,
    pub service: Option<i64>,
    pub contract: Option<i64>,
    pub urgency: Option<String>,
    pub impact: Option<String>,
    pub group_id: Option<String>,
}

impl RequestChanges {
    fn apply(self, ticket: &mut Ticket) {
        if let Some(d) = self.description {
            ticket.description = d;
        }
        if let Some(k) = self.kind {
            ticket.mobile_type = if k == "I" { 4 } else { 5 };
            ticket.kind = k;
        }
        if let Some(u) = self.user_id {
            ticket.requester = u;
        }
        if let Some(c) = self.contact {
            c.apply(&mut ticket.contact);
        }
        if let Some(code) = self.service {
            ticket.service_code = code;
        }
        if let Some(id) = self.contract {
            ticket.contract_id = id;
        }
        if let Some(u) = self.urgency {
            ticket.urgency = u;
        }
        if let Some(i) = self.impact {
            ticket.impact = i;
        }
        if let Some(g) = self.group_id {
            ticket.group_id = g;
        }
    }
}

impl World {
    /// Changes the fields sent; requester, service and contract must exist. Returns the request
    /// as changed (with `persist` false only that copy changes).
    pub fn update_request(
        &mut self,
        lookup: &Lookup,
        changes: RequestChanges,
        changer: Changer<'_>,
    ) -> Result<Ticket, Refusal> {
        let number = self.number_of(lookup)?;
        if let Some(login) = &changes.user_id {
            if self.catalog.user(login).is_none() {
                return Err(Refusal::input(format!("Usuário {login} não encontrado")));
            }
        }
        if let Some(code) = changes.service {
            if self.catalog.service(code).is_none() {
                return Err(Refusal::input(format!("Serviço {code} não encontrado")));
            }
        }
        if let Some(id) = changes.contract {
            if !self.catalog.contract_exists(id) {
                return Err(Refusal::input(format!("Contrato {id} não encontrado")));
            }
        }
        self.owned_change(number, changer, |ticket| changes.apply(ticket))
    }

    /// Sets the request's status code (already one of `STATUS_CODES`).
    pub fn update_status(&mut self, lookup: &Lookup, code: &str, changer: Changer<'_>) -> Result<Ticket, Refusal> {
        let number = self.number_of(lookup)?;
        self.owned_change(number, changer, |ticket| ticket.status = code.to_string())
    }

    /// The change, if the changer may make it.
    fn owned_change(
        &mut self,
        number: i64,
        changer: Changer<'_>,
        change: impl FnOnce(&mut Ticket),
    ) -> Result<Ticket, Refusal> {
        let owner = self
            .tickets
            .get(number)
            .is_some_and(|t| t.requester == changer.login || t.opened_by.as_deref() == Some(changer.login));
        if !(owner || changer.anyone || self.catalog.is_coordinator(changer.login)) {
            if changer.refusal_applies {
                self.changed(number, true, change)?;
            }
            return Err(Refusal::permission(NO_ACCESS));
        }
        self.changed(number, changer.persist, change)
    }

    fn changed(&mut self, number: i64, persist: bool, change: impl FnOnce(&mut Ticket)) -> Result<Ticket, Refusal> {
        if !persist {
            let mut copy = self.tickets.get(number).cloned();
            if let Some(ticket) = copy.as_mut() {
                change(ticket);
            }
            return copy.ok_or_else(|| Refusal::input(format!("Solicitação {number} não encontrada")));
        }
        self.tickets.modify(number, change);
        self.tickets.get(number).cloned().ok_or_else(|| Refusal::input(format!("Solicitação {number} não encontrada")))
    }
}
