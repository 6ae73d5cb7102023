"""The LightningModules of every training regime and the retrieval evaluation callback."""

from ash_lightning.lightning.code_buffer import CodeBuffer
from ash_lightning.lightning.code_floor_checkpoint import CodeFloorCheckpoint
from ash_lightning.lightning.hashing_module import HashingModule, PairwiseHashingModule
from ash_lightning.lightning.labelled_batch_module import LabelledBatchHashingModule
from ash_lightning.lightning.modules import hashing_module
from ash_lightning.lightning.preemption import Preempted, PreemptionCheckpoint
from ash_lightning.lightning.retrieval_evaluation import RetrievalEvaluation
from ash_lightning.lightning.triplet_module import TripletHashingModule

__all__ = [
    "CodeBuffer",
    "CodeFloorCheckpoint",
    "HashingModule",
    "LabelledBatchHashingModule",
    "PairwiseHashingModule",
    "Preempted",
    "PreemptionCheckpoint",
    "RetrievalEvaluation",
    "TripletHashingModule",
    "hashing_module",
]
