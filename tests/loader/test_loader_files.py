"""File → attribute mapping and the start-up errors of convention files (SPEC §2)."""
from __future__ import annotations

from loader_helpers import fixture_dir


def test_dash_becomes_underscore(make_app):
    app = make_app("dash-name")
    assert "user_info" in app.service_classes


def test_uppercase_name_is_an_error_naming_the_file(load_error):
    msg = load_error("bad-name")
    assert str(fixture_dir("bad-name") / "app/service/UserInfo.py") in msg
    assert "^[a-z][a-z0-9_]*$" in msg


def test_leading_digit_is_an_error(load_error):
    assert "1abc.py" in load_error("bad-name-digit")


def test_file_and_folder_with_one_name_clash(load_error):
    msg = load_error("dup-name")
    assert "foo" in msg and str(fixture_dir("dup-name") / "app/service") in msg


def test_two_files_mapping_to_one_name_clash(load_error):
    msg = load_error("dup-dash")
    assert "a_b" in msg and "a-b.py" in msg and "a_b.py" in msg


def test_syntax_error_names_file_and_line(load_error):
    msg = load_error("syntax-error")
    assert str(fixture_dir("syntax-error") / "app/service/broken.py") + ":4: syntax error" in msg


def test_import_error_names_the_file(load_error):
    msg = load_error("import-error")
    assert "app/service/needs.py" in msg and "ModuleNotFoundError" in msg


def test_service_file_with_two_classes(load_error):
    msg = load_error("service-two-classes")
    assert "two.py" in msg and "One, Two" in msg


def test_controller_without_actions(load_error):
    assert "app/controller/empty.py" in load_error("controller-no-export")


def test_controller_with_middleware_signature(load_error):
    msg = load_error("controller-mw-signature")
    assert "app/controller/home.py" in msg and "middleware signature" in msg


def test_router_without_setup(load_error):
    msg = load_error("router-no-setup")
    assert "app/router.py" in msg and "missing export 'setup'" in msg


def test_router_unknown_controller(load_error):
    msg = load_error("router-bad-handler")
    assert "app/router.py" in msg and "app.controller.home.nope not exists" in msg


def test_router_setup_raising(load_error):
    msg = load_error("router-raises")
    assert "app/router.py" in msg and "ValueError: oops in setup" in msg


def test_app_py_without_boot(load_error):
    msg = load_error("boot-no-export")
    assert str(fixture_dir("boot-no-export") / "app.py") in msg and "'Boot'" in msg


def test_extend_file_must_define_one_class(load_error):
    msg = load_error("extend-two-classes")
    assert "app/extend/context.py" in msg and "A, B" in msg
