//! getJustificativas and the coordinator endpoints of mobile v2 (reference shapes, D-JSON-RETURNS,
//! D-REFERENCE-ONLY), and the coordinators' submissions.

use serde_json::{json, Value};

use super::kinds::{Outcome, Reader, Writer};
use super::mobile_query::task_id;
use crate::server::data::User;
use crate::server::domain::journal::{Submission, SubmissionKind};
use crate::server::domain::opaque::OpaqueJson;
use crate::server::domain::World;
use crate::server::reply::Reply;

/// A bare array, no envelope (D-COLLECTIONS); the fields the data set lacks are null.
pub fn get_justificativas(r: &Reader<'_>, _body: &Value) -> Outcome {
    let list: Vec<Value> = r
        .world
        .catalog()
        .justificativas
        .iter()
        .map(|j| {
            json!({
                "idJustificativa": j.id_justificativa,
                "descricaoJustificativa": j.descricao_justificativa,
                "suspensao": j.suspensao,
                "situacao": j.situacao,
                "complementoJustificativa": null,
                "filtroDescricaoJustificativa": null,
                "viagem": j.viagem,
                "aprovacao": j.aprovacao,
                "deleted": null,
            })
        })
        .collect();
    Ok(Reply::Bare(Value::Array(list)))
}

fn colaborador(world: &World, login: &str) -> Value {
    match world.catalog().user(login) {
        Some(User { employee_id, name, .. }) => json!({"id": employee_id, "nome": name, "login": login}),
        None => json!({"id": 0, "nome": null, "login": login}),
    }
}

/// The reference shape `gruposLideradosReference`: the teams the user leads.
pub fn get_grupos_liderados(r: &Reader<'_>, _body: &Value) -> Outcome {
    let grupos: Vec<Value> = r
        .world
        .catalog()
        .teams
        .iter()
        .filter(|t| t.leader == r.user())
        .map(|t| json!({"id": t.id, "nome": t.name}))
        .collect();
    Ok(Reply::ok(json!({ "grupos": grupos })))
}

/// The reference shape `equipeColaboradorReference`: the teams of the task's assignee, with
/// their members.
pub fn get_equipe_colaborador(r: &Reader<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    let world = r.world;
    let (_, task) = world.task_or_fail(task_id)?;
    let assignee = task.assignee.as_str();
    let equipes: Vec<Value> = world
        .catalog()
        .teams
        .iter()
        .filter(|t| t.leader == assignee || t.members.iter().any(|m| m == assignee))
        .map(|t| {
            let members: Vec<Value> = t.members.iter().map(|m| colaborador(world, m)).collect();
            json!({"id": t.id, "nome": t.name, "colaboradores": members})
        })
        .collect();
    Ok(Reply::ok(json!({ "equipes": equipes })))
}

/// The reference shape `colaboradorReference`: the employee the task is assigned to.
pub fn get_colaborador(r: &Reader<'_>, body: &Value) -> Outcome {
    let task_id = task_id(body)?;
    let (_, task) = r.world.task_or_fail(task_id)?;
    Ok(Reply::ok(json!({ "colaboradores": [colaborador(r.world, &task.assignee)] })))
}

/// `result` is any JSON value (D-TYPES-8X); absent or null is 412 INPUT.
fn submit(w: &Writer<'_>, body: &Value, kind: SubmissionKind) -> Outcome {
    let result =
        body.get("result").filter(|v| !v.is_null()).ok_or_else(|| Reply::input("Field 'result' not informed"))?;
    let submission =
        Submission { login: w.user().to_string(), kind, at_ms: w.now_ms(), result: OpaqueJson::of(result) };
    w.write().record_submission(submission);
    Ok(Reply::empty())
}

pub fn atribuicoes_equipes(w: &Writer<'_>, body: &Value) -> Outcome {
    submit(w, body, SubmissionKind::TeamAssignments)
}

pub fn atualiza_informacoes(w: &Writer<'_>, body: &Value) -> Outcome {
    submit(w, body, SubmissionKind::RequestUpdates)
}
