//! The training plan: for every skill and every line of the demo site (with a retraining
//! revision in its grace period, so every reason occurs) and of a generated site, the plan's
//! people are exactly the matrix's cells that need training; over HTTP the page, its CSV and
//! the printable sign-up sheet show them, for the roles that see the matrix, and the Due page
//! and the skill page link to it.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::{Project, Skill};
use caliber::qualify::SkillStatus;
use caliber::service::{
    self, ActivationInput, MatrixFilter, RevisionInput, TrainingFilter, TrainingReason,
};
use caliber::store::{Actor, Store};
use common::WebClient;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

/// (employee, skill) pairs.
type Pairs = BTreeSet<(Uuid, Uuid)>;

/// What the matrix says needs training for `project` (all lines when `None`) and `skill`
/// (all skills when `None`): required cells missing, expired, outdated, too low, due for
/// retraining, or expiring within `days`.
fn matrix_says(
    store: &Store,
    project: Option<Uuid>,
    skill: Option<Uuid>,
    days: i64,
    now: Timestamp,
) -> Pairs {
    let m = service::matrix(
        store,
        &MatrixFilter {
            project_id: project,
            ..MatrixFilter::default()
        },
        now,
    )
    .expect("matrix");
    let horizon = SignedDuration::from_hours(24 * days);
    let mut out = Pairs::new();
    for row in &m.rows {
        for c in &row.cells {
            let id = m.skills[c.skill].id;
            if c.required_level.is_none() || skill.is_some_and(|s| s != id) {
                continue;
            }
            let needs = match c.status {
                SkillStatus::Missing
                | SkillStatus::Expired
                | SkillStatus::Outdated
                | SkillStatus::InsufficientLevel
                | SkillStatus::RetrainingDue => true,
                SkillStatus::ExpiringSoon | SkillStatus::Valid => c
                    .expires_at
                    .is_some_and(|e| now.duration_until(e) <= horizon),
                SkillStatus::Extra => false,
            };
            if needs {
                out.insert((row.employee_id, id));
            }
        }
    }
    out
}

fn plan_says(
    store: &Store,
    project: Option<Uuid>,
    skill: Option<Uuid>,
    days: i64,
    now: Timestamp,
) -> (Pairs, service::TrainingPlan) {
    let plan = service::training_plan(
        store,
        &TrainingFilter {
            skill_id: skill,
            project_id: project,
            days: Some(days),
        },
        now,
    )
    .expect("plan");
    let pairs: Pairs = plan
        .needs
        .iter()
        .map(|n| (n.employee_id, n.skill_id))
        .collect();
    assert_eq!(
        pairs.len(),
        plan.needs.len(),
        "one line per person and skill"
    );
    (pairs, plan)
}

/// Every skill, every line, each pair, the whole site: the plan equals the matrix.
fn plan_equals_matrix(store: &Store, now: Timestamp) -> Vec<TrainingReason> {
    let r = store.read().expect("read");
    let skills: Vec<Uuid> = r
        .list::<Skill>()
        .expect("skills")
        .into_iter()
        .filter(|s| s.deleted_at.is_none())
        .map(|s| s.id)
        .collect();
    let lines: Vec<Uuid> = r
        .list::<Project>()
        .expect("projects")
        .into_iter()
        .filter(|p| p.deleted_at.is_none())
        .map(|p| p.id)
        .collect();
    drop(r);
    let mut reasons = Vec::new();
    let mut scopes: Vec<(Option<Uuid>, Option<Uuid>)> = vec![(None, None)];
    scopes.extend(skills.iter().map(|s| (None, Some(*s))));
    scopes.extend(lines.iter().map(|l| (Some(*l), None)));
    scopes.extend(
        lines
            .iter()
            .flat_map(|l| skills.iter().map(move |s| (Some(*l), Some(*s)))),
    );
    for days in [0, 30, 365] {
        for (line, skill) in &scopes {
            let (plan, full) = plan_says(store, *line, *skill, days, now);
            let matrix = matrix_says(store, *line, *skill, days, now);
            assert_eq!(
                plan, matrix,
                "line {line:?}, skill {skill:?}, {days} days: the plan is the matrix"
            );
            reasons.extend(full.needs.iter().map(|n| n.reason));
            // Soonest due first, "now" counting as the moment the plan was made.
            assert!(
                full.needs
                    .windows(2)
                    .all(|w| w[0].due.unwrap_or(now) <= w[1].due.unwrap_or(now))
            );
        }
    }
    reasons.sort();
    reasons.dedup();
    reasons
}

#[test]
fn the_plan_is_what_the_matrix_says_on_the_demo_and_a_generated_site() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let now = Timestamp::now();
    caliber::seed::seed_demo(&store, now).expect("seed");
    // A First Aid revision in its grace period: its holders are RETRAINING_DUE.
    let first_aid = store
        .read()
        .expect("read")
        .list::<Skill>()
        .expect("skills")
        .into_iter()
        .find(|s| s.code == "FAID")
        .expect("first aid");
    let actor = Actor::named("test");
    let draft = service::create_revision(
        &store,
        &actor,
        first_aid.id,
        RevisionInput {
            label: "Rev G".into(),
            change_log: "New AED; retrain within 30 days.".into(),
            effective_date: None,
            requires_retraining: true,
            grace_days: 0,
            status: None,
        },
    )
    .expect("draft");
    service::activate_revision(
        &store,
        &actor,
        draft.id,
        ActivationInput {
            effective_date: Some(now.to_zoned(jiff::tz::TimeZone::UTC).date()),
            grace_days: Some(30),
        },
    )
    .expect("activate");
    let now = Timestamp::now();
    let reasons = plan_equals_matrix(&store, now);
    for r in [
        TrainingReason::Missing,
        TrainingReason::Expired,
        TrainingReason::Outdated,
        TrainingReason::RetrainingDue,
        TrainingReason::Expiring,
    ] {
        assert!(reasons.contains(&r), "the demo plan has {r:?}: {reasons:?}");
    }
    // Each reason carries its date: an expiry or a retraining deadline, or none for "now".
    let (_, plan) = plan_says(&store, None, None, 365, now);
    for n in &plan.needs {
        match n.reason {
            TrainingReason::Missing | TrainingReason::InsufficientLevel => {
                assert!(n.due.is_none())
            }
            TrainingReason::Expired => assert!(n.due.is_some_and(|d| d <= now)),
            TrainingReason::Expiring => assert!(n.due.is_some_and(|d| d > now)),
            TrainingReason::RetrainingDue => assert!(n.due.is_some_and(|d| d > now)),
            TrainingReason::Outdated => {}
        }
    }
    assert!(
        service::training_plan(
            &store,
            &TrainingFilter {
                days: Some(-1),
                ..TrainingFilter::default()
            },
            now
        )
        .is_err()
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let generated = Store::open(dir.path()).expect("open");
    caliber::seed::generate(&generated, 150, 8, 5, now).expect("generate");
    plan_equals_matrix(&generated, Timestamp::now());
}

#[test]
fn the_plan_page_csv_and_sign_up_sheet_over_http() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, Timestamp::now()).expect("seed");
    let base = common::serve_state(AppState::new(store.clone()));
    let skill = store
        .read()
        .expect("read")
        .list::<Skill>()
        .expect("skills")
        .into_iter()
        .find(|s| s.code == "SAFE")
        .expect("safety");
    let line = store
        .read()
        .expect("read")
        .list::<Project>()
        .expect("projects")
        .into_iter()
        .find(|p| p.code == "ATX-L1")
        .expect("line");
    let (_, plan) = plan_says(&store, None, Some(skill.id), 60, Timestamp::now());
    assert!(!plan.needs.is_empty(), "someone needs safety training");

    let trainer = WebClient::demo(&base, &demo, "trainer");
    let page = trainer.get(&format!("/training?skill={}", skill.id));
    assert_eq!(page.status, 200);
    for n in &plan.needs {
        assert!(page.body.contains(&n.name), "{} is on the page", n.name);
    }
    let summary_people: BTreeSet<Uuid> = plan.needs.iter().map(|n| n.employee_id).collect();
    assert!(page.body.contains(&format!(
        "needed by {} {}",
        summary_people.len(),
        if summary_people.len() == 1 {
            "person"
        } else {
            "people"
        }
    )));

    let csv = trainer.get(&format!("/training.csv?skill={}&days=60", skill.id));
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"));
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "employee_number,name,department,site,skill,skill_name,reason,status,required_level,achieved_level,due_on"
        )
    );
    assert_eq!(lines.count(), plan.needs.len(), "the CSV is the plan");

    // The sign-up sheet: one per skill, every name, blanks and a signature column, printed
    // by a script file (the page's CSP forbids inline script).
    let sheet = trainer.get(&format!("/training/sheet?line={}", line.id));
    assert_eq!(sheet.status, 200);
    let (_, line_plan) = plan_says(&store, Some(line.id), None, 60, Timestamp::now());
    assert_eq!(
        sheet.body.matches("<section class=\"signup\">").count(),
        line_plan.by_skill().len()
    );
    for n in &line_plan.needs {
        assert!(sheet.body.contains(&n.name));
    }
    assert!(sheet.body.contains("Signature"));
    assert!(sheet.body.contains("<script src=\"/print.js\"></script>"));
    assert!(!sheet.body.contains("onclick"));
    assert!(
        sheet.body.contains("ATX Line 1 Injection"),
        "the sheet names its line"
    );

    // Reachable from the Due page (with its skill and line) and from the skill page.
    let due = trainer.get(&format!("/due?skill={}&project={}", skill.id, line.id));
    assert!(due.body.contains(&format!(
        "href=\"/training?skill={}&amp;line={}\"",
        skill.id, line.id
    )));
    let page = trainer.get(&format!("/skills/{}", skill.id));
    assert!(
        page.body
            .contains(&format!("href=\"/training?skill={}\"", skill.id))
    );

    // Every role that sees the matrix reads it; a viewer does not.
    for role in ["admin", "skill_manager", "auditor"] {
        let c = WebClient::demo(&base, &demo, role);
        assert_eq!(c.get("/training").status, 200, "{role}");
    }
    let viewer = WebClient::demo(&base, &demo, "viewer");
    for path in ["/training", "/training.csv", "/training/sheet"] {
        assert_eq!(viewer.get(path).status, 403, "viewer {path}");
    }
    assert_eq!(trainer.get("/training?days=soon").status, 422);
    assert_eq!(
        trainer
            .get(&format!("/training?skill={}", Uuid::nil()))
            .status,
        404
    );
}
