"""What org shows about deputies' seats, answered by the deputies package.

org lists congresses with their seat counts and stations with the deputies serving there, but the
deputies package depends on org (its rows point at congresses and stations), so org cannot import
it. deputies registers a `SeatDirectory` here when imported (the app factory imports every module
in `api.modules` before serving); org asks through `directory()`.
"""


class SeatDirectory:
    """The questions org asks; the deputies package implements them."""

    def counts_per_congress(self):
        """A query to join as a subquery: columns congress_id, deputies, serving; one row per congress with seats."""
        raise NotImplementedError

    def serves_at(self, deputy_id, station_id):
        """Whether this deputy serves at this station."""
        raise NotImplementedError

    def at_station(self, station_id):
        """The deputies serving at the station, each with its congress, highest level first."""
        raise NotImplementedError

    def replace_at_station(self, station_id, deputy_ids):
        """Make exactly these deputies serve at the station (raises Invalid for unknown ids); call in a transaction."""
        raise NotImplementedError


_directory = None


def provide(directory):
    global _directory
    _directory = directory


def directory():
    if _directory is None:
        raise RuntimeError("No seat directory registered: the deputies package provides it when imported.")
    return _directory
