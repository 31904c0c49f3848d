"""The acceptance journey of licensing (issue 4), in English, entirely through the browser.

A company registers in the portal and the Permits unit approves it; the company applies for an
individual export licence (goods picked in the control list, consignee and end-user in Norway,
end use, end-user certificate, declaration) and gets APP-<year>-00001; officer A takes the
case, asks a question that the company answers, assesses it against the eight criteria and
proposes to grant; officer A may not countersign (four eyes), officer B countersigns and
issues BRU/<year>/00001; the company downloads the licence (its text names the number and the
holder) and reports a shipment, which the balance shows. A second application is refused on
criteria 1 and 7: the denial record BE-BRU-<year>-0001 is listed and the company downloads the
letter. Two mistakes on the way (an empty question, a shipment larger than the licence) show the
error at the top and next to the field, which is described by it. On every kind of page visited
axe-core finds no serious or critical violation and no description or label points to a missing
element; no script is blocked by the Content Security Policy.

Only the two officers (with their authenticator devices) are made in Python; every other row is
made by the pages, and the database is only read back to check them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from wagtail.users.models import UserProfile

from brussels_international.core.tests.test_documents import make_pdf
from brussels_international.permits.models import (
    Application,
    ApplicationStatus,
    DenialNotification,
    Licence,
    LicenceUseReport,
    Organisation,
    OrganisationStatus,
)

from .conftest import CHROMIUM, assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Browser tests need Debian's chromium: apt-get install chromium"),
]

COMPANY = "Fjordlys Optronics SA"
PORTAL_PASSWORD = "fjord-lights-over-the-canal"
EUC = make_pdf("End-user certificate", "Invented Norwegian Border Guard, thermal imagers")


def enterprise_number(first_eight: str) -> str:
    """A Belgian enterprise number with its check digits: 97 - (first eight digits mod 97)."""
    check = 97 - int(first_eight) % 97
    digits = f"{first_eight}{check:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def officer(username: str, first_name: str, last_name: str) -> tuple[User, TOTPDevice]:
    """A Permits officer who works in English, with a confirmed authenticator app."""
    user = User.objects.create_user(
        username, f"{username}@brussels-international.example", f"{username}-long-password",
        first_name=first_name, last_name=last_name, is_staff=True,
    )  # fmt: skip
    user.groups.add(Group.objects.get(name="Permits"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user, TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


NO_MOTION = """
const sheet = new CSSStyleSheet();
sheet.replaceSync(`*, *::before, *::after {
    transition: none !important; animation: none !important; scroll-behavior: auto !important;
}`);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
"""
"""A style sheet built in script (CSSOM: no inline style for the CSP to refuse) that stops motion:
the workspace's messages slide in for 1.2 s and its content area scrolls smoothly, so a button
below them moves for a second and Playwright waits for it to stand still before each click; axe
measures the colours of the final state."""

DANGLING_REFERENCES = """() => {
    const problems = [];
    for (const element of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
        for (const name of ["aria-describedby", "aria-labelledby"]) {
            if (!element.hasAttribute(name)) continue;
            const where = `${element.tagName.toLowerCase()}#${element.id}`;
            const ids = element.getAttribute(name).split(/\\s+/).filter(Boolean);
            if (!ids.length) problems.push(`${where}: empty ${name}`);
            for (const id of ids) if (!document.getElementById(id)) problems.push(`${where} ${name} → #${id}`);
        }
    }
    return problems;
}"""
"""Descriptions and labels that point to no element: axe reports them as "incomplete", not as
violations, yet a screen reader then never reads the field's hint or error."""


class Actor:
    """One person with their own browser context (English, no motion, downloads accepted)."""

    def __init__(self, browser, base_url: str, errors: list[str], checked: set[str]) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(locale="en-GB", accept_downloads=True, reduced_motion="reduce")
        self.context.add_init_script(NO_MOTION)
        self.page: Page = self.context.new_page()
        self.base_url = base_url
        self.checked = checked
        self.page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        self.page.on("pageerror", lambda exc: errors.append(str(exc)))

    def goto(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def check(self, name: str) -> None:
        """axe-core (no serious or critical violation) and no dangling ARIA reference on the page,
        once per kind of page *name*."""
        if name not in self.checked:
            self.checked.add(name)
            assert_accessible(self.page)
            assert self.page.evaluate(DANGLING_REFERENCES) == [], f"{name}: {self.page.url}"


def test_a_licence_is_applied_for_assessed_countersigned_issued_used_and_a_second_refused(
    browser, live_server, transactional_db, permits_setup, settings, tmp_path
):
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.SITE_BASE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    # A proposal needs the parties screened against a loaded sanctions list (issue 5).
    from brussels_international.permits.tests.conftest import NO_HIT_LIST
    from brussels_international.screening.list_services import list_load

    list_load(source="test-list", path=NO_HIT_LIST)
    year = timezone.localdate().year
    number = enterprise_number("08123456")
    _anna, anna_device = officer("anna", "Anna", "Claes")
    _bram, bram_device = officer("bram", "Bram", "Wouters")
    euc = tmp_path / "End-user certificate.pdf"
    euc.write_bytes(EUC)

    errors: list[str] = []
    checked: set[str] = set()
    company = Actor(browser, live_server.url, errors, checked)
    anna = Actor(browser, live_server.url, errors, checked)
    bram = Actor(browser, live_server.url, errors, checked)
    p = company.page
    a = anna.page
    b = bram.page

    # 1. The company registers.
    company.goto("/en/portal/register/")
    expect(p.get_by_role("heading", level=1, name="Register your organisation")).to_be_visible()
    company.check("portal register")
    p.get_by_label("Name of the organisation").fill(COMPANY)
    expect(p.get_by_label("Country of the registered office")).to_have_value("BE")
    p.get_by_label("Enterprise number").fill(number.replace(".", ""))
    p.get_by_label("Street and number").fill("Quai des Péniches 52")
    p.get_by_label("Postcode", exact=True).fill("1000")
    p.get_by_label("City", exact=True).fill("Bruxelles")
    p.get_by_label("English", exact=True).check()
    p.get_by_label("First name", exact=True).fill("Ingrid")
    p.get_by_label("Last name", exact=True).fill("Halvorsen")
    p.get_by_label("E-mail address").fill("ingrid.halvorsen@fjordlys.example")
    p.get_by_label("User name", exact=True).fill("ingrid")
    p.get_by_label("Password", exact=True).fill(PORTAL_PASSWORD)
    p.get_by_role("button", name="Register").click()
    expect(p.get_by_role("heading", level=1, name="Registration received")).to_be_visible()
    company.check("portal registration received")
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.registration_number, organisation.status, organisation.language) == (
        COMPANY, number, OrganisationStatus.PENDING, "en",
    )  # fmt: skip

    # 2. Officer A approves it from Licensing → Applicant organisations.
    sign_in(a, live_server.url, "anna", "anna-long-password", anna_device)
    anna.check("workspace home")
    a.get_by_role("button", name="Licensing").click()
    a.get_by_role("link", name="Applicant organisations").click()
    expect(a.get_by_role("heading", level=1, name="Applicant organisations")).to_be_visible()
    anna.check("workspace organisations")
    a.get_by_role("link", name=COMPANY).click()
    expect(a.get_by_role("heading", level=1, name=COMPANY)).to_be_visible()
    anna.check("workspace organisation")
    a.get_by_role("button", name="Approve the registration").click()
    expect(a.locator(".permits-org-status")).to_have_text("Approved")
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED

    # 3. The company signs in and applies.
    p.get_by_role("link", name="Sign in").last.click()
    expect(p.get_by_role("heading", level=1, name="Sign in to the licence portal")).to_be_visible()
    company.check("portal sign in")
    p.fill("#id_username", "ingrid")
    p.fill("#id_password", PORTAL_PASSWORD)
    p.get_by_role("button", name="Sign in").click()
    expect(p.get_by_role("heading", level=1, name="My applications")).to_be_visible()
    company.check("portal home")

    first = apply(company, "Thermal imagers for Norway", euc=euc, check_pages=True)
    assert first.reference == f"APP-{year}-00001"

    # 4. Officer A takes the case and asks a question; the company answers.
    anna.goto("/admin/licensing/?queue=unassigned")
    expect(a.get_by_role("heading", level=2, name="Unassigned")).to_be_visible()
    anna.check("workspace queue")
    open_case(anna, first.reference)
    anna.check("workspace case")
    a.get_by_role("combobox", name="Case manager").select_option(label="Anna Claes")
    a.get_by_role("button", name="Save the case manager").click()
    expect(a.locator(".permits-status")).to_have_text("Initial checks")
    a.get_by_role("button", name="Send the request").click()  # nothing typed yet
    expect(a.locator("#error-summary")).to_contain_text("Question to the applicant: This field is required.")
    question = a.get_by_role("textbox", name="Question to the applicant")
    expect(question).to_have_accessible_description("This field is required.")
    anna.check("workspace case with an error")
    question.fill("Which thermal sensor do the imagers use, and who makes it?")
    a.get_by_role("button", name="Send the request").click()
    expect(a.locator(".permits-status")).to_have_text("Waiting for the applicant")

    company.goto(f"/en/portal/applications/{first.pk}/")
    expect(p.get_by_text("Which thermal sensor do the imagers use, and who makes it?")).to_be_visible()
    expect(p.locator(".status")).to_have_text("Waiting for your answer")
    company.check("portal application waiting")
    p.get_by_role("textbox", name="Your answer").fill(
        "An uncooled microbolometer of 640 × 512 pixels, made by us in Brussels."
    )
    p.get_by_role("button", name="Send the answer").click()
    expect(p.get_by_text("Thank you: your answer has been sent to the Permits unit.")).to_be_visible()
    expect(p.get_by_text("An uncooled microbolometer of 640 × 512 pixels, made by us in Brussels.")).to_be_visible()
    company.check("portal application answered")

    a.reload()
    expect(a.get_by_text("An uncooled microbolometer of 640 × 512 pixels, made by us in Brussels.")).to_be_visible()
    expect(a.locator(".permits-status")).to_have_text("Initial checks")
    a.get_by_role("button", name="Initial checks done: start the assessment").click()
    expect(a.locator(".permits-status")).to_have_text("Under assessment")
    classify(anna, "ML15")
    for criterion in range(1, 9):
        assess(anna, criterion, "no concern", "Norway: no concern under this criterion.")
    a.get_by_label("grant", exact=True).check()
    a.get_by_label("Conditions of the licence").fill("Report each shipment in the portal.")
    a.get_by_role("button", name="Propose the decision").click()
    expect(a.locator(".permits-status")).to_have_text("Decision proposed")

    # 5. Four eyes: officer A may not countersign; officer B countersigns and issues.
    expect(
        a.get_by_text("You assessed this case: another officer must countersign it (four-eyes principle).")
    ).to_be_visible()
    expect(a.get_by_role("button", name="Countersign the proposed decision")).to_have_count(0)
    anna.check("workspace case proposed")

    sign_in(b, live_server.url, "bram", "bram-long-password", bram_device)
    bram.goto("/admin/licensing/?queue=countersign")
    open_case(bram, first.reference)
    b.get_by_role("button", name="Countersign the proposed decision").click()
    expect(b.locator(".permits-status")).to_have_text("Countersigned")
    bram.check("workspace case countersigned")
    b.get_by_role("link", name="Issue the licence").click()
    expect(b.get_by_role("heading", level=2, name="Check the decision before you issue it")).to_be_visible()
    bram.check("workspace issue")
    b.get_by_role("button", name="Yes, issue the licence").click()
    expect(b.get_by_text(f"The decision is issued: BRU/{year}/00001.")).to_be_visible()
    expect(b.locator(".permits-status")).to_have_text("Granted")
    bram.check("workspace case granted")
    licence = Licence.objects.get()
    assert (licence.number, licence.application_id) == (f"BRU/{year}/00001", first.pk)

    # 6. The company downloads its licence and reports a shipment.
    company.goto("/en/portal/")
    company.check("portal home with applications")
    p.get_by_role("link", name=first.reference).click()
    expect(p.locator(".status")).to_have_text("Licence issued")
    company.check("portal application granted")
    with p.expect_download() as download_info:
        p.get_by_role("link", name="Download the licence (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"licence-BRU-{year}-00001.pdf"
    text = pdf_text(download.path())
    assert f"BRU/{year}/00001" in text and COMPANY in text, text

    quantity = p.get_by_label("Quantity shipped")
    quantity.fill("25")  # more than the licence allows
    p.get_by_label("Value shipped (EUR)").fill("12000")
    p.get_by_label("Date of the shipment").fill(timezone.localdate().isoformat())
    p.get_by_label("Customs declaration reference (MRN, optional)").fill("26BE000000123456J0")
    p.get_by_role("button", name="Record the shipment").click()
    too_much = f"Only 20 items remain on line 1 of licence BRU/{year}/00001."
    expect(p.get_by_role("alert")).to_contain_text(too_much)
    expect(quantity).to_have_accessible_description(too_much)
    company.check("portal application with an error")
    assert not LicenceUseReport.objects.exists()
    quantity.fill("5")
    p.get_by_role("button", name="Record the shipment").click()
    expect(p.get_by_text("The shipment has been recorded against your licence.")).to_be_visible()
    remaining = p.locator("#balance tbody tr").first.locator("td").nth(4)
    expect(remaining).to_contain_text("15 items")
    company.check("portal application shipment")
    report = LicenceUseReport.objects.get()
    assert (report.quantity, report.value_eur) == (5, 12000)

    # 7. A second application, refused on criteria 1 and 7.
    company.goto("/en/portal/")
    second = apply(company, "Thermal imagers, second order", euc=euc, check_pages=False)
    assert second.reference == f"APP-{year}-00002"

    anna.goto("/admin/licensing/?queue=unassigned")
    open_case(anna, second.reference)
    a.get_by_role("combobox", name="Case manager").select_option(label="Anna Claes")
    a.get_by_role("button", name="Save the case manager").click()
    expect(a.locator(".permits-status")).to_have_text("Initial checks")
    a.get_by_role("button", name="Initial checks done: start the assessment").click()
    expect(a.locator(".permits-status")).to_have_text("Under assessment")
    classify(anna, "ML15")
    for criterion in range(1, 9):
        if criterion in (1, 7):
            assess(anna, criterion, "ground for refusal", f"Criterion {criterion}: a clear risk.")
        else:
            assess(anna, criterion, "no concern", "No concern.")
    a.get_by_label("refuse", exact=True).check()
    criteria = a.get_by_role("group", name="Criteria of the refusal")
    criteria.locator("input[value='1']").check()
    criteria.locator("input[value='7']").check()
    a.get_by_label("Reasons of the refusal").fill("Risk of diversion to an embargoed end-user.")
    a.get_by_role("button", name="Propose the decision").click()
    expect(a.locator(".permits-status")).to_have_text("Decision proposed")

    bram.goto("/admin/licensing/?queue=countersign")
    open_case(bram, second.reference)
    b.get_by_role("button", name="Countersign the proposed decision").click()
    expect(b.locator(".permits-status")).to_have_text("Countersigned")
    b.get_by_role("link", name="Send the refusal").click()
    bram.check("workspace issue refusal")
    b.get_by_role("button", name="Yes, send the refusal").click()
    expect(b.get_by_text(f"The decision is issued: BE-BRU-{year}-0001.")).to_be_visible()
    expect(b.locator(".permits-status")).to_have_text("Refused")

    bram.goto("/admin/licensing/denials/")
    row = b.locator("table.listing tbody tr").filter(has_text=f"BE-BRU-{year}-0001")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(3)).to_have_text("1, 7")
    expect(row.get_by_role("link", name=second.reference)).to_be_visible()
    bram.check("workspace denials")
    denial = DenialNotification.objects.get()
    assert (denial.reference, denial.criteria, denial.application_id) == (f"BE-BRU-{year}-0001", [1, 7], second.pk)

    company.goto(f"/en/portal/applications/{second.pk}/")
    expect(p.locator(".status")).to_have_text("Refused")
    decision = p.locator("#decision")
    expect(decision.get_by_text(re.compile(r"^Criterion 1: "))).to_be_visible()
    expect(decision.get_by_text(re.compile(r"^Criterion 7: "))).to_be_visible()
    company.check("portal application refused")
    with p.expect_download() as download_info:
        p.get_by_role("link", name="Download the letter (PDF)").click()
    letter = pdf_text(download_info.value.path())
    assert second.reference in letter and COMPANY in letter, letter

    for actor in (company, anna, bram):
        actor.context.close()
    assert errors == []
    statuses = dict(Application.objects.values_list("reference", "status"))
    assert statuses == {first.reference: ApplicationStatus.GRANTED, second.reference: ApplicationStatus.REFUSED}


def apply(company: Actor, title: str, *, euc: Path, check_pages: bool) -> Application:
    """From the portal's home: start an individual export licence application, fill every task
    and submit it; the confirmation page shows its reference. Returns the application."""
    p = company.page

    def check(name: str) -> None:
        if check_pages:
            company.check(name)

    p.get_by_role("link", name="Start a new application").click()
    expect(p.get_by_role("heading", level=1, name="Start a new application")).to_be_visible()
    check("portal start")
    p.get_by_label(re.compile(r"Individual export licence –")).check()
    p.get_by_label("Short title (optional)").fill(title)
    p.get_by_role("button", name="Start").click()
    expect(p.get_by_role("heading", level=1, name="Individual export licence")).to_be_visible()
    check("portal task list")

    # Goods: the entry picked in the control list.
    p.get_by_role("link", name="Goods", exact=True).click()
    expect(p.get_by_role("heading", level=1, name="Goods")).to_be_visible()
    check("portal goods")
    p.get_by_role("link", name="Add goods: find the control list entry").click()
    expect(p.get_by_role("heading", level=1, name="Find the control list entry")).to_be_visible()
    check("portal picker")
    p.get_by_label("Code (such as 5A002 or ML15) or words").fill("ML15")
    p.get_by_role("button", name="Search").click()
    expect(p.get_by_text("1 entry found")).to_be_visible()
    check("portal picker results")
    p.get_by_role("link", name="Choose ML15").click()
    expect(p.get_by_role("heading", level=1, name="Add goods")).to_be_visible()
    expect(p.get_by_label("Control list entry", exact=True)).to_have_value("ML15")
    check("portal goods form")
    p.get_by_label("Description of the goods").fill("Thermal imaging cameras FL-640, made by Fjordlys Optronics")
    p.get_by_label("Quantity", exact=True).fill("20")
    p.get_by_label("Unit", exact=True).select_option("items")
    p.get_by_label("Value in euros").fill("48000")
    p.get_by_role("button", name="Save").click()
    expect(p.get_by_text("Your changes are saved.")).to_be_visible()
    check("portal goods with a line")
    p.get_by_role("link", name="Back to the task list").first.click()

    # Parties: consignee and end-user in Norway.
    p.get_by_role("link", name="Parties", exact=True).click()
    expect(p.get_by_role("heading", level=1, name="Parties")).to_be_visible()
    check("portal parties")
    for role, name, address in (
        ("consignee", "Invented Nordic Defence Logistics AS", "Havnegata 1\n0150 Oslo"),
        ("end-user", "Invented Norwegian Border Guard", "Grensevegen 7\n9900 Kirkenes"),
    ):
        p.get_by_role("link", name="Add a party").click()
        expect(p.get_by_role("heading", level=1, name="Add a party")).to_be_visible()
        check("portal party form")
        p.get_by_label(role, exact=True).check()
        p.get_by_label("Name", exact=True).fill(name)
        p.get_by_label("Address", exact=True).fill(address)
        p.get_by_label("Country", exact=True).select_option("NO")
        p.get_by_role("button", name="Save").click()
        expect(p.get_by_role("row").filter(has_text=name)).to_have_count(1)
    check("portal parties with rows")
    p.get_by_role("link", name="Back to the task list").first.click()

    # End use.
    p.get_by_role("link", name="End use", exact=True).click()
    check("portal end use")
    p.get_by_label("End use", exact=True).fill("Surveillance of the land border by the border guard, for ten years.")
    p.get_by_role("button", name="Save and continue").click()
    expect(p.get_by_role("heading", level=1, name="Individual export licence")).to_be_visible()

    # Documents: the end-user certificate.
    p.get_by_role("link", name="Documents", exact=True).click()
    expect(p.get_by_role("heading", level=1, name="Documents")).to_be_visible()
    check("portal documents")
    p.get_by_label("end-user certificate", exact=True).check()
    p.get_by_label("For which end-user? (end-user certificates)").select_option(
        label="end-user: Invented Norwegian Border Guard (NO)"
    )
    p.get_by_label("File", exact=True).set_input_files(str(euc))
    p.get_by_role("button", name="Attach").click()
    expect(p.get_by_text("The document is attached.")).to_be_visible()
    check("portal documents with a row")
    p.get_by_role("link", name="Back to the task list").first.click()

    # Check the answers, declare, submit.
    for task in ("licence_type", "goods", "parties", "end_use", "documents"):
        expect(p.locator(f"#task-{task}-status")).to_have_text("Completed")
    p.get_by_role("link", name="Declaration and submission").click()
    expect(p.get_by_role("heading", level=1, name="Check your answers before submitting")).to_be_visible()
    check("portal check answers")
    p.get_by_label(re.compile(r"I declare that the information")).check()
    p.get_by_role("button", name="Submit the application").click()
    expect(p.get_by_role("heading", level=1, name="Application submitted")).to_be_visible()
    check("portal submitted")
    reference = p.locator(".reference").inner_text()
    application = Application.objects.get(reference=reference)
    assert application.status == ApplicationStatus.SUBMITTED
    assert [
        (line.control_code, line.quantity, line.unit, line.value_eur) for line in application.goods_lines.all()
    ] == [("ML15", 20, "items", 48000)]
    assert sorted(application.parties.values_list("role", "country")) == [("consignee", "NO"), ("end_user", "NO")]
    return application


def open_case(officer_: Actor, reference: str) -> None:
    """From a queue, open the case *reference*."""
    page = officer_.page
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=2, name="The application")).to_be_visible()
    expect(page).to_have_title(re.compile(re.escape(reference)))


def classify(officer_: Actor, code: str) -> None:
    """Confirm the control list entry of goods line 1."""
    page = officer_.page
    form = page.locator("form").filter(has=page.get_by_role("button", name="Save the control list entry"))
    form.get_by_label("Goods line").select_option(index=1)
    form.get_by_label("Control list entry").fill(code)
    form.get_by_role("button", name="Save the control list entry").click()
    expect(page.get_by_text("The control list entry is saved.")).to_be_visible()


def assess(officer_: Actor, criterion: int, finding: str, note: str) -> None:
    """Record the finding on *criterion* for the only destination."""
    page = officer_.page
    form = page.locator("form").filter(has=page.get_by_role("button", name="Save the finding"))
    form.get_by_label("Criterion").select_option(str(criterion))
    form.get_by_label("Finding").select_option(label=finding)
    form.get_by_label("Reasoning").fill(note)
    form.get_by_role("button", name="Save the finding").click()
    row = page.locator(".permits-grid tbody tr").nth(criterion - 1)
    expect(row.locator("td").first).to_contain_text(finding[0].upper() + finding[1:])


def pdf_text(path) -> str:  # type: ignore[no-untyped-def]
    with open(path, "rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)
