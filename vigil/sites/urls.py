from django.urls import path

from vigil.sites.views import contacts, edit, responder, schools, vault
from vigil.sites.views import map as campus_map
from vigil.sites.views import search as find

app_name = "sites"

# Each topic adds its own block; keep the blocks apart so parallel work does not collide.
urlpatterns = [
    path("schools/", schools.school_list, name="schools"),
    path("schools/<slug:slug>/", schools.school_detail, name="school"),
    path("schools/<slug:slug>/edit/", schools.school_edit, name="school_edit"),
    path("schools/<slug:slug>/buildings/<int:pk>/", schools.building_detail, name="building"),
    # Campus map, Find and responder cards
    path("schools/<slug:slug>/map/", campus_map.school_map, name="school_map"),
    path("schools/<slug:slug>/assets/<int:pk>/photo/", campus_map.asset_photo, name="asset_photo"),
    path(
        "schools/<slug:slug>/buildings/<int:pk>/responder-card.pdf",
        responder.responder_card_pdf,
        name="responder_card",
    ),
    path("find/", find.find, name="find"),
    # Alarm-code vault
    path("vault/", vault.vault, name="vault"),
    path("vault/log/", vault.vault_log, name="vault_log"),
    path("vault/<int:pk>/reveal/", vault.vault_reveal, name="vault_reveal"),
    path("vault/<int:pk>/edit/", vault.vault_edit, name="vault_edit"),
    path("vault/<int:pk>/retire/", vault.vault_retire, name="vault_retire"),
    path("schools/<slug:slug>/vault/new/", vault.vault_new, name="vault_new"),
    # Editing the knowledge base
    path("schools/<slug:slug>/records/", edit.records, name="records"),
    path("schools/<slug:slug>/records/<slug:kind>/new/", edit.record_new, name="record_new"),
    path("schools/<slug:slug>/records/<slug:kind>/<int:pk>/", edit.record_edit, name="record_edit"),
    path(
        "schools/<slug:slug>/records/<slug:kind>/<int:pk>/delete/",
        edit.record_delete,
        name="record_delete",
    ),
    path("other-buildings/", edit.other_buildings, name="other_buildings"),
    path("other-buildings/new/", edit.other_building_new, name="other_building_new"),
    path("other-buildings/<slug:slug>/edit/", edit.other_building_edit, name="other_building_edit"),
    path(
        "other-buildings/<slug:slug>/delete/",
        edit.other_building_delete,
        name="other_building_delete",
    ),
    # People and agencies
    path("contacts/", contacts.district_contacts, name="contacts_district"),
    path("schools/<slug:slug>/contacts/", contacts.school_contacts, name="contacts"),
    path("contacts/new/", contacts.contact_new, name="contact_new"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="contact_delete"),
]

# Import and export (IMDF, GeoJSON surroundings, CSV contacts and assets)
from vigil.sites.views import transfer  # noqa: E402

urlpatterns += [
    path("schools/<slug:slug>/transfer/", transfer.transfer, name="transfer"),
    path(
        "schools/<slug:slug>/transfer/<slug:fmt>/upload/",
        transfer.transfer_upload,
        name="transfer_upload",
    ),
    path(
        "schools/<slug:slug>/transfer/confirm/<str:token>/",
        transfer.transfer_confirm,
        name="transfer_confirm",
    ),
    path(
        "schools/<slug:slug>/transfer/<slug:fmt>/export/",
        transfer.transfer_export,
        name="transfer_export",
    ),
]
