//! The web UI in a real browser (headless Debian Chromium driven through chromedriver):
//! log in → create an employee → certify → the matrix shows it → revoke → the matrix shows
//! MISSING → the public badge page; a Spanish browser and a user's own language; with
//! screenshots of the main pages, in English and Spanish (into `docs/screens/` with
//! `CALIBER_UPDATE_SCREENS=1`).

mod common;

use std::sync::Arc;

use caliber::app::AppState;
use caliber::domain::Employee;
use caliber::store::Store;
use common::browser::{session, shot, start_driver, wait_for};
use fantoccini::Locator;

#[test]
fn supervisor_flow_in_a_real_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let base = common::serve_state(AppState::new(store.clone()));
    let (_driver, webdriver) = start_driver();
    let profile = tempfile::tempdir().expect("profile");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async move {
        let c = session(&webdriver, profile.path(), &[], None).await;
        let shot = |name: &'static str| shot(&c, name);

        // Log in.
        c.goto(&format!("{base}/login")).await.expect("login page");
        c.find(Locator::Id("email")).await.expect("email").send_keys("admin@caliber.local").await.expect("type");
        c.find(Locator::Id("password")).await.expect("pw").send_keys("caliber-admin-demo").await.expect("type");
        c.find(Locator::Css("button.primary")).await.expect("button").click().await.expect("click");
        wait_for(&c, "<h1>Dashboard</h1>").await;
        shot("dashboard.png").await;

        // Create an employee.
        c.goto(&format!("{base}/employees/new")).await.expect("new");
        c.find(Locator::Id("number")).await.expect("n").send_keys("E9001").await.expect("type");
        c.find(Locator::Id("name")).await.expect("n").send_keys("Nadia Browser").await.expect("type");
        c.find(Locator::Css("form.grid button.primary")).await.expect("save").click().await.expect("click");
        wait_for(&c, "<h1>Nadia Browser</h1>").await;

        // Every employee needs Safety Protocols: she is MISSING it in the matrix.
        let missing = format!("{base}/matrix?status=MISSING&skill=Safety");
        c.goto(&missing).await.expect("matrix");
        assert!(c.source().await.expect("src").contains("Nadia Browser"));

        // Certify her: the picker adds her as a line (as a USB badge scanner would type her
        // number and Enter), and the level is limited to the skill's maximum.
        c.goto(&format!("{base}/certify")).await.expect("certify");
        c.find(Locator::Id("skill")).await.expect("skill").select_by_label("Injection Molding (max L3)").await.expect("select");
        let level = c.find(Locator::Id("level")).await.expect("level");
        assert_eq!(level.attr("max").await.expect("max").as_deref(), Some("3"));
        c.find(Locator::Id("skill")).await.expect("skill").select_by_label("Safety Protocols (max L1)").await.expect("select");
        assert_eq!(level.attr("max").await.expect("max").as_deref(), Some("1"), "level limited to the skill's max");
        c.find(Locator::Id("pick")).await.expect("picker").send_keys("E9001\u{E007}").await.expect("type");
        let lines = c.find(Locator::Id("employees")).await.expect("lines").prop("value").await.expect("value");
        assert_eq!(lines.as_deref(), Some("E9001"), "the picked employee became a line");
        c.find(Locator::Css("form.grid button.primary")).await.expect("certify").click().await.expect("click");
        wait_for(&c, "Certified: Nadia Browser").await;
        c.goto(&missing).await.expect("matrix");
        assert!(!c.source().await.expect("src").contains("Nadia Browser"), "certified: no longer missing");
        c.goto(&format!("{base}/matrix?status=VALID&skill=Safety")).await.expect("matrix");
        assert!(c.source().await.expect("src").contains("Nadia Browser"));

        // Revoke it again, giving a reason.
        let nadia: Employee = store
            .read()
            .expect("r")
            .by_unique("employee number", "E9001")
            .expect("lookup")
            .expect("nadia");
        c.goto(&format!("{base}/employees/{}", nadia.id)).await.expect("detail");
        wait_for(&c, ">Revoke<").await;
        c.find(Locator::LinkText("Revoke")).await.expect("revoke link").click().await.expect("click");
        wait_for(&c, "Reason (required)").await;
        c.find(Locator::Id("reason")).await.expect("reason").send_keys("Trained on the wrong line").await.expect("type");
        c.find(Locator::Css("input[name=confirm]")).await.expect("confirm").click().await.expect("tick");
        c.find(Locator::Css("button.danger")).await.expect("revoke").click().await.expect("click");
        wait_for(&c, "Trained on the wrong line").await;
        c.goto(&missing).await.expect("matrix");
        assert!(c.source().await.expect("src").contains("Nadia Browser"), "revoked: MISSING again");

        // Her public badge page.
        c.goto(&format!("{base}/b/{}", nadia.badge_token)).await.expect("badge");
        let page = c.source().await.expect("src");
        assert!(page.contains("Nadia Browser") && page.contains("Safety Protocols"));
        assert!(!page.contains("E9001"));

        // Screenshots of the main pages on demo data.
        let maria = demo.employees.iter().find(|e| e.number == "E1001").expect("maria");
        let maria_id = store
            .read()
            .expect("r")
            .by_unique::<Employee>("employee number", "E1001")
            .expect("lookup")
            .expect("maria")
            .id;
        c.goto(&format!("{base}/employees/{maria_id}")).await.expect("detail");
        shot("employee-detail.png").await;
        c.goto(&format!("{base}/matrix?inactive=1")).await.expect("matrix");
        shot("matrix.png").await;
        // Scrolled both ways, the header corner stays above the names, and the names stay
        // visible (not covered by the header or by cells) just below the header.
        let seen = c
            .execute(
                "const wrap = document.querySelector('.matrix-wrap');
                 wrap.style.maxHeight = '260px';
                 wrap.scrollTop = 120; wrap.scrollLeft = 400;
                 const corner = document.querySelector('table.matrix thead th.name').getBoundingClientRect();
                 const at = (x, y) => document.elementFromPoint(x, y);
                 const top = at(corner.left + 4, corner.top + 4);
                 const below = at(corner.left + 4, corner.bottom + 6);
                 return [!!top.closest('thead'), !!(below.closest('tbody') && below.closest('th.name'))];",
                vec![],
            )
            .await
            .expect("script");
        assert_eq!(seen, serde_json::json!([true, true]), "sticky header and names");
        // A draft revision that needs retraining, and its activation preview.
        let safety = store
            .catalog()
            .skills
            .values()
            .find(|s| s.code == "SAFE")
            .map(|s| s.id)
            .expect("safety");
        c.goto(&format!("{base}/skills/{safety}")).await.expect("skill");
        c.find(Locator::Id("label")).await.expect("label").send_keys("Rev C").await.expect("type");
        c.find(Locator::Css("input[name=requires_retraining]")).await.expect("box").click().await.expect("tick");
        let add_draft = format!("form[action=\"/skills/{safety}\"] button.primary");
        c.find(Locator::Css(&add_draft)).await.expect("add").click().await.expect("click");
        wait_for(&c, "Activate…").await;
        c.find(Locator::Css("a[href$=\"/activate\"]")).await.expect("activate link").click().await.expect("click");
        wait_for(&c, "become OUTDATED").await;
        shot("revision-activation-preview.png").await;
        // The audit log fits a 10" tablet in portrait: no sideways scroll.
        c.set_window_size(800, 1280).await.expect("tablet size");
        c.goto(&format!("{base}/audit")).await.expect("audit");
        wait_for(&c, "Audit chain verified").await;
        let fits = c
            .execute("return document.documentElement.scrollWidth <= document.documentElement.clientWidth;", vec![])
            .await
            .expect("script");
        assert_eq!(fits, serde_json::json!(true), "the audit log scrolls sideways at tablet width");
        c.set_window_size(412, 860).await.expect("phone size");
        c.goto(&format!("{base}/b/{}", maria.badge_token)).await.expect("badge");
        shot("badge-page.png").await;
        c.close().await.expect("close");
    });
}

/// A Spanish browser (`Accept-Language: es-MX,es`) sees the UI in Spanish from the login page
/// on, dates included; the user's own language, chosen on "Mi cuenta", then wins over the
/// browser's. Screenshots of the Spanish dashboard and badge page go to `docs/screens/`.
#[test]
fn a_spanish_browser_gets_spanish_until_the_user_chooses_otherwise() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let demo = caliber::seed::seed_demo(&store, jiff::Timestamp::now()).expect("seed");
    let base = common::serve_state(AppState::new(store.clone()));
    let (_driver, webdriver) = start_driver();
    let profile = tempfile::tempdir().expect("profile");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async move {
        let c = session(
            &webdriver,
            profile.path(),
            &["--lang=es-MX", "--accept-lang=es-MX,es"],
            Some(serde_json::json!({ "intl.accept_languages": "es-MX,es" })),
        )
        .await;
        let shot = |name: &'static str| shot(&c, name);

        c.goto(&format!("{base}/login")).await.expect("login page");
        let login = wait_for(&c, "Iniciar sesión").await;
        assert!(
            login.contains("lang=\"es\""),
            "the login page says it is Spanish"
        );
        c.find(Locator::Id("email"))
            .await
            .expect("email")
            .send_keys("admin@caliber.local")
            .await
            .expect("type");
        c.find(Locator::Id("password"))
            .await
            .expect("pw")
            .send_keys("caliber-admin-demo")
            .await
            .expect("type");
        c.find(Locator::Css("button.primary"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        let dash = wait_for(&c, "<h1>Panel</h1>").await;
        assert!(dash.contains("Carencias por competencia") && dash.contains("Cerrar sesión"));
        shot("dashboard-es.png").await;

        // The badge page, phone-sized, with its date in Spanish.
        let maria = demo
            .employees
            .iter()
            .find(|e| e.number == "E1001")
            .expect("maria");
        c.set_window_size(412, 860).await.expect("phone size");
        c.goto(&format!("{base}/b/{}", maria.badge_token))
            .await
            .expect("badge");
        // The browser's serialised page writes the dates' no-break spaces as `&nbsp;`.
        let badge = wait_for(&c, "Competencias requeridas")
            .await
            .replace("&nbsp;", "\u{a0}");
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let months = [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ];
        let m = usize::try_from(today.month() - 1).expect("month");
        let checked = format!(
            "Comprobado el {}\u{a0}{}\u{a0}{}",
            today.day(),
            months[m],
            today.year()
        );
        assert!(badge.contains(&checked), "{checked}");
        shot("badge-page-es.png").await;
        c.set_window_size(1366, 900).await.expect("desktop size");

        // Her own setting beats the browser: German it is, though the browser still asks for
        // Spanish.
        c.goto(&format!("{base}/account")).await.expect("account");
        wait_for(&c, "Mi cuenta").await;
        c.find(Locator::Id("language"))
            .await
            .expect("select")
            .select_by_value("de")
            .await
            .expect("choose");
        c.find(Locator::Css("form.grid button.primary"))
            .await
            .expect("save")
            .click()
            .await
            .expect("click");
        wait_for(&c, "Gespeichert.").await;
        c.goto(&format!("{base}/")).await.expect("dashboard");
        let dash = wait_for(&c, "<h1>Übersicht</h1>").await;
        assert!(dash.contains("lang=\"de\"") && dash.contains("Abmelden"));
        c.close().await.expect("close");
    });
}
