"""First run: the wizard refuses empty fields and initialises the data folder."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from clinic_app.services.session import ClinicSession
from clinic_app.ui.wizard import SetupWizard, WizardContext


def test_wizard_initialises_the_clinic(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    with ClinicSession(tmp_path / "new") as session:
        assert session.clinic is None
        wizard = SetupWizard(WizardContext(session, worker))
        qtbot.addWidget(wizard)
        wizard.show()
        page = wizard.clinic_page
        wizard.next()
        assert wizard.currentPage() is page  # nothing filled in: stays
        assert page.note.isVisible()
        page.name.setText("石门村卫生室")
        page.code.setText("4305210102")
        page.township_code.setText("430521")
        page.township_name.setText("石门镇卫生院")
        wizard.next()
        assert wizard.currentPage() is wizard.policy_page
        wizard.policy_page.policy.setCurrentIndex(wizard.policy_page.policy.findData("zhanjiang-resident-2025"))
        wizard.next()
        wizard.operator_page.operator.setText("刘医生")
        with qtbot.waitSignal(wizard.accepted, timeout=5000):
            wizard.button(QWizard.WizardButton.FinishButton).click()
        clinic = session.clinic
        assert clinic is not None and clinic.name == "石门村卫生室" and clinic.policy_id == "zhanjiang-resident-2025"
        assert [o.name for o in session.operators()] == ["刘医生"]


def at_the_policy_page(qtbot, session, worker) -> SetupWizard:  # type: ignore[no-untyped-def]
    """The wizard shown, its clinic page filled in, on the policy page."""
    wizard = SetupWizard(WizardContext(session, worker))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.clinic_page.name.setText("石门村卫生室")
    wizard.clinic_page.code.setText("4305210102")
    wizard.clinic_page.township_code.setText("430521")
    wizard.next()
    return wizard


def at_the_operator_page(qtbot, session, worker) -> SetupWizard:  # type: ignore[no-untyped-def]
    """The wizard shown, its clinic page filled in, on the last page (operator and backups)."""
    wizard = at_the_policy_page(qtbot, session, worker)
    wizard.policy_page.policy.setCurrentIndex(wizard.policy_page.policy.findData("shaoyang-resident-2019"))
    wizard.next()
    assert wizard.currentPage() is wizard.operator_page
    return wizard


def test_the_policy_page_starts_with_none_chosen_and_needs_one(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """The first listed policy (韶关) was chosen from the start: a Shaoyang or Zhanjiang doctor who clicked
    下一步 straight through settled under Shaoguan, and once visits are settled 设置 refuses another city's."""
    with ClinicSession(tmp_path / "new") as session:
        wizard = at_the_policy_page(qtbot, session, worker)
        page = wizard.policy_page
        assert page.policy.currentIndex() == -1 and page.policy.currentData() is None
        assert page.policy.placeholderText() == "请选择" and not page.reform_pilot.isVisible()
        wizard.next()
        assert wizard.currentPage() is page and page.note.isVisible() and "请选择本县执行的政策" in page.note.text()
        assert wizard.focusWidget() is page.policy
        page.policy.setCurrentIndex(page.policy.findData("shaoyang-resident-2019"))
        assert not page.note.isVisible() and page.reform_pilot.isVisible()  # the pilot box follows the choice
        wizard.next()
        assert wizard.currentPage() is wizard.operator_page
        wizard.operator_page.operator.setText("刘医生")
        with qtbot.waitSignal(wizard.accepted, timeout=5000):
            wizard.button(QWizard.WizardButton.FinishButton).click()
        assert session.clinic is not None and session.clinic.policy_id == "shaoyang-resident-2019"


def test_wizard_needs_an_operator(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    with ClinicSession(tmp_path / "new") as session:
        wizard = at_the_operator_page(qtbot, session, worker)
        wizard.button(QWizard.WizardButton.FinishButton).click()
        assert wizard.isVisible() and wizard.operator_page.note.isVisible()
        assert session.clinic is None


def test_wizard_refuses_a_backup_folder_that_is_not_there(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    with ClinicSession(tmp_path / "new") as session:
        wizard = at_the_operator_page(qtbot, session, worker)
        wizard.operator_page.operator.setText("刘医生")
        wizard.operator_page.backup.setText(str(tmp_path / "usb" / "backups"))  # the stick is not plugged in
        wizard.button(QWizard.WizardButton.FinishButton).click()
        qtbot.waitUntil(lambda: "不存在" in wizard.operator_page.note.text(), timeout=5000)
        assert wizard.isVisible() and session.clinic is None and not (tmp_path / "usb").exists()
        (tmp_path / "usb" / "backups").mkdir(parents=True)  # plugged in: finishing works
        with qtbot.waitSignal(wizard.accepted, timeout=5000):
            wizard.button(QWizard.WizardButton.FinishButton).click()
        assert session.setting("backup_dir") == str(tmp_path / "usb" / "backups")


def test_wizard_refuses_a_code_that_is_not_letters_and_digits_at_its_field(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """The clinic code cannot be changed later and names the clinic to the township: a space, a dash
    or a letter O typed for a 0 went through, and full-width digits from the input method were kept."""
    with ClinicSession(tmp_path / "new") as session:
        wizard = SetupWizard(WizardContext(session, worker))
        qtbot.addWidget(wizard)
        wizard.show()
        page = wizard.clinic_page
        page.name.setText("石门村卫生室")
        page.township_code.setText("H430523101")
        for typed in ("H4305 23101006", "H430523-101006", "H43052310100六"):
            page.code.setText(typed)
            wizard.next()
            assert wizard.currentPage() is page, typed
            assert page.note.isVisible() and "诊所编码" in page.note.text() and wizard.focusWidget() is page.code
        page.code.setText("Ｈ４３０５２３１０１００６")  # full-width, as a Chinese input method types it
        page.township_code.setText("H430523 101")
        wizard.next()
        assert wizard.currentPage() is page and "乡镇卫生院编码" in page.note.text()
        page.township_code.setText("ｈ430523101")
        wizard.next()
        assert wizard.currentPage() is wizard.policy_page
        assert wizard.setup().code == "H430523101006" and wizard.setup().township_code == "h430523101"


def test_the_reform_choice_shows_only_for_a_policy_with_a_reform(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """The pilot box changed nothing under a policy without a reform (only Shaoyang's has one)."""
    with ClinicSession(tmp_path / "new") as session:
        wizard = at_the_policy_page(qtbot, session, worker)
        page = wizard.policy_page
        choice = page.reform_pilot
        page.policy.setCurrentIndex(page.policy.findData("shaoyang-resident-2019"))
        assert choice.isVisible() and choice.box.isEnabled()
        assert choice.box.text() == "参加改革试点" and choice.hint.text().startswith("湖南基层门诊统筹综合改革试点(邵阳): ")
        choice.box.setChecked(True)
        page.policy.setCurrentIndex(page.policy.findData("zhanjiang-resident-2025"))
        assert not choice.isVisible()
        assert wizard.setup().reform_pilot is False  # checked before, but this policy has no reform
        page.policy.setCurrentIndex(page.policy.findData("shaoyang-resident-2019"))
        assert choice.isVisible() and wizard.setup().reform_pilot is True
        wizard.next()
        wizard.operator_page.operator.setText("刘医生")
        with qtbot.waitSignal(wizard.accepted, timeout=5000):
            wizard.button(QWizard.WizardButton.FinishButton).click()
        assert session.clinic is not None and session.clinic.reform_pilot
        assert session.visit_policy_id() == "shaoyang-resident-reform-2025"


def test_the_policy_list_offers_only_a_county_s_own_policies(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """A clinic settles by its county's resident policy: the employee policy is applied to an employee by it
    (`employee_policy`), the reform laid over it by the pilot box. Offered beside them, 邵阳市职工医保普通门诊统筹
    looked like Shaoyang's choice, and the reform could be picked without the box."""
    with ClinicSession(tmp_path / "new") as session:
        wizard = SetupWizard(WizardContext(session, worker))
        qtbot.addWidget(wizard)
        combo = wizard.policy_page.policy
        offered = [combo.itemData(i) for i in range(combo.count())]
        assert offered == ["shaoguan-resident-2023", "shaoyang-resident-2019", "zhanjiang-resident-2025"]
        assert session.book["shaoyang-resident-2019"].employee_policy == "shaoyang-employee-2022"


def test_a_policy_past_its_stated_period_says_so_in_the_list(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """邵医保发〔2019〕17号 was a one-year trial (to 2020-10-29): a doctor choosing it learnt that only at the
    first visit's preview. Shaoguan's five years run to 2028-03-06."""
    import datetime as dt

    from PySide6.QtWidgets import QComboBox

    from clinic_app.ui.wizard import choose_policy, fill_policies

    with ClinicSession(tmp_path / "new") as session:
        combo = QComboBox()
        qtbot.addWidget(combo)
        fill_policies(combo, session.book, "zh", dt.date(2026, 11, 26))
        texts = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
        assert texts["shaoyang-resident-2019"].endswith(" (已过规定期限 2020-10-29)")
        assert "规定期限" not in texts["shaoguan-resident-2023"]
        fill_policies(combo, session.book, "zh", dt.date(2028, 3, 7))
        assert combo.itemText(combo.findData("shaoguan-resident-2023")).endswith("(已过规定期限 2028-03-06)")
        # A clinic set to a policy no longer listed (the reform, before 29a9bda) gets it back, marked too.
        choose_policy(combo, session.book, "zh", "shaoyang-resident-reform-2025", dt.date(2026, 11, 26))
        assert combo.currentData() == "shaoyang-resident-reform-2025"
        assert combo.currentText().endswith(" (已过规定期限 2026-06-30)")
        wizard = SetupWizard(WizardContext(session, worker))
        qtbot.addWidget(wizard)
        assert wizard.clinic_page.township_code.placeholderText().endswith("H430523101")
        assert wizard.operator_page.subTitle()


def test_a_township_is_its_own_township(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """机构类型 乡镇卫生院: it asked for 所属乡镇卫生院编码 besides its own code, and a different one made every
    village's statement 'not of this township' at import (township_code is compared with the village's)."""
    with ClinicSession(tmp_path / "new") as session:
        wizard = SetupWizard(WizardContext(session, worker))
        qtbot.addWidget(wizard)
        wizard.show()
        page = wizard.clinic_page
        assert page.lost_hint.isVisible()  # a village may have lost its data folder
        page.role.setCurrentIndex(page.role.findData("township"))
        assert not page.lost_hint.isVisible()  # continuing from a statement is a village's
        page.name.setText("石门镇卫生院")
        page.code.setText("H430523101")
        assert not page.township_code.isEnabled() and page.township_code.text() == "H430523101"
        wizard.next()
        assert wizard.currentPage() is wizard.policy_page
        setup = wizard.setup()
        assert (setup.role, setup.code, setup.township_code, setup.township_name) == (
            "township", "H430523101", "H430523101", "石门镇卫生院",
        )
        page.role.setCurrentIndex(page.role.findData("village"))
        assert page.township_code.isEnabled()
        wizard.back()
        assert page.lost_hint.isVisible()


def test_esc_after_typing_asks_before_the_setup_is_thrown_away(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """Esc (or 取消) ends the first run and the program with it: with the clinic typed in, a stray
    Esc lost it all. It now asks first, and Enter or Esc there go back to the setup."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    with ClinicSession(tmp_path / "new") as session:
        wizard = at_the_operator_page(qtbot, session, worker)
        wizard.operator_page.operator.setText("刘医生")
        rejected: list[int] = []
        wizard.rejected.connect(lambda: rejected.append(1))
        qtbot.keyClick(wizard.operator_page.operator, Qt.Key.Key_Escape)
        question = wizard.question
        assert isinstance(question, QMessageBox) and question.isVisible()
        assert wizard.isVisible() and rejected == []
        assert question.defaultButton() is question.escapeButton() is wizard.keep_button
        wizard.keep_button.click()
        assert wizard.isVisible() and rejected == []
        qtbot.keyClick(wizard.operator_page.operator, Qt.Key.Key_Escape)
        wizard.leave_button.click()
        assert rejected == [1] and not wizard.isVisible()
        assert session.clinic is None


def test_esc_on_an_untouched_wizard_closes_it_at_once(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    with ClinicSession(tmp_path / "new") as session:
        wizard = SetupWizard(WizardContext(session, worker))
        qtbot.addWidget(wizard)
        wizard.show()
        with qtbot.waitSignal(wizard.rejected, timeout=1000):
            qtbot.keyClick(wizard.clinic_page.name, Qt.Key.Key_Escape)
        assert wizard.question is None
