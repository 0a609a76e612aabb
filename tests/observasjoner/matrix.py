from tests.observasjoner.matrix_recording import CASES as RECORDING_CASES
from tests.observasjoner.matrix_rounds import CASES as ROUND_CASES
from tests.observasjoner.matrix_tilsyn import CASES as TILSYN_CASES

CASES = [*TILSYN_CASES, *ROUND_CASES]
CASES += RECORDING_CASES
