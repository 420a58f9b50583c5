"""Members mixed into ``ctx.helper``."""


class HelperExtend:
    def money(self, cents: int) -> str:
        return f"${cents / 100:.2f}"
