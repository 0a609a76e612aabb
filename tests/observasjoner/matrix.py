from tests.observasjoner.matrix_tilsyn import CASES as TILSYN_CASES

CASES = [*TILSYN_CASES]
