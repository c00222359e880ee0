"""Material and waste flows: the treatment and waste-code catalogue, flow records, aggregation,
indicators and the Sankey diagram. Pure Python: the web app stores and reads, this computes."""
