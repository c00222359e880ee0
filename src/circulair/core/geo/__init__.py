"""Reference geography: regions and municipalities, partitions, population, distances."""

from circulair.core.geo.distance import EARTH_RADIUS_KM, distance_matrix_km, haversine_km
from circulair.core.geo.partition import (
    Partition,
    parse_partition_csv,
    partition_by_arrondissement,
    partition_by_province,
)
from circulair.core.geo.population import parse_population_csv, with_population
from circulair.core.geo.reference import (
    Arrondissement,
    Municipality,
    Province,
    RegionGeography,
    available_regions,
    load_region,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "Arrondissement",
    "Municipality",
    "Partition",
    "Province",
    "RegionGeography",
    "available_regions",
    "distance_matrix_km",
    "haversine_km",
    "load_region",
    "parse_partition_csv",
    "parse_population_csv",
    "partition_by_arrondissement",
    "partition_by_province",
    "with_population",
]
