"""Members mixed into every request's Context."""


class ContextExtend:
    def shout(self, text: str) -> str:
        return text.upper() + "!"

    @property
    def is_ajax(self) -> bool:
        return self.get("x-requested-with") == "XMLHttpRequest"
