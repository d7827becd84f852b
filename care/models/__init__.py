from care.models.calls import CareAlert, CareCall, CareCheckIn, CareOffer, new_call_reference, new_nonce
from care.models.registry import CareDesk, CareResident, EmergencyContact, Need, Responder, Service

__all__ = ["CareAlert", "CareCall", "CareCheckIn", "CareDesk", "CareOffer", "CareResident", "EmergencyContact",
           "Need", "Responder", "Service", "new_call_reference", "new_nonce"]
