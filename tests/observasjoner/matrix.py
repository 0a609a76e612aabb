from tests.observasjoner.recording.matrix import CASES as RECORDING_CASES
from tests.observasjoner.rounds.matrix import CASES as ROUND_CASES
from tests.observasjoner.tilsyn.matrix import CASES as TILSYN_CASES

CASES = [*TILSYN_CASES, *ROUND_CASES]
CASES += RECORDING_CASES
