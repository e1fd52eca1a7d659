"""threads.limit: BLAS capped inside the block, each library's own count back after
(nested blocks too), as threadpoolctl's limiter does."""
import pytest

from mixeq.fitting.threads import controller, limit


def test_limit_caps_blas_and_restores_each_librarys_count():
    import scipy.linalg  # noqa: F401  (its BLAS loaded before the controller looks)

    ctl = controller()
    if ctl is None:
        pytest.skip("threadpoolctl is not installed")
    libs = [lib for lib in ctl.lib_controllers if lib.user_api == "blas"]
    if not libs:
        pytest.skip("no BLAS library found")
    before = [lib.get_num_threads() for lib in libs]
    with limit(1):
        assert [lib.get_num_threads() for lib in libs] == [1] * len(libs)
        with limit(1):
            assert [lib.get_num_threads() for lib in libs] == [1] * len(libs)
        assert [lib.get_num_threads() for lib in libs] == [1] * len(libs)
    assert [lib.get_num_threads() for lib in libs] == before
    with limit(None):
        assert [lib.get_num_threads() for lib in libs] == before
