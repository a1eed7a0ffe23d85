"""Invented news sentences for alignment tests (no real data)."""

from __future__ import annotations

SENTENCES = [
    "The harbour authority closed the northern pier after a crane collapsed on Tuesday morning.",
    "Nobody was hurt, but three fishing boats were trapped behind the wreckage for several hours.",
    "Engineers from the port company said the crane had passed an inspection only last month.",
    "Mayor Ilse Vandermeer promised a full inquiry and asked residents to avoid the waterfront.",
    "Local traders complained that the closure would cost them a week of sales during the festival.",
    "The festival, which draws forty thousand visitors each summer, is due to open on Friday.",
    "Organisers said the opening parade would be moved to the old market square instead.",
    "A spokesman for the dockworkers union blamed years of cuts to the maintenance budget.",
    "The regional council approved a new budget for road repairs after a heated debate.",
    "Farmers in the valley reported the lowest rainfall in thirty years for the month of June.",
    "The water company asked households to stop watering gardens until the reservoirs recover.",
    "Scientists at the university warned that dry summers would become more frequent.",
    "A small bakery in the old town won the national prize for its rye bread.",
    "The owner, Piet Roosendaal, said the recipe had been in his family for four generations.",
    "Tickets for the chess championship sold out within an hour of going on sale.",
    "The railway line between the two cities will close for repairs over the holiday weekend.",
    "Replacement buses will run every twenty minutes, the operator announced on its website.",
    "Police arrested two men suspected of stealing copper cable from the signal boxes.",
    "The museum will display the recovered medieval coins from the first of September.",
    "Volunteers planted two thousand oak saplings along the river bank on Saturday.",
]

PARAPHRASES = [
    ("The minister vowed to honour the pledge made by her predecessor, Karel Dobbs, and keep funding the clinics.",
     "The minister also promised to carry out the wishes of her predecessor Karel Dobbs on clinic funding."),
    ("Storm Edda flattened hundreds of greenhouses across the coastal province overnight.",
     "Hundreds of greenhouses in the coastal province were destroyed overnight by Storm Edda."),
]


def text(indices: list[int], sep: str = " ") -> str:
    return sep.join(SENTENCES[i] for i in indices)
