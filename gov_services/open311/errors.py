"""An Open311 refusal: the HTTP status and the standard's error list (pure)."""


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.errors = [(status, str(description)) for description in descriptions]
