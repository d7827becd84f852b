"""The department queue (/dept/), a request's page for its officers, the department's fee statement
(/dept/fees/, fees.py), and the admins' request list (/county/requests/), plus the access-checked file views
both use.

Who gets in (stations/scope):
* /dept/…: officers (members of a department) and superusers; anyone else gets 403. A request's page
  is for the officers of the department that holds it now; for anyone else, including an officer of
  another department or one whose request was just rerouted away, it is a 404.
* /county/requests/…: township and county admins and superusers (403 for anyone else); an admin sees
  the requests whose place lies in their region, any other request is a 404.
* attachments and the signature: staff and residents (RequestFilesMixin; 403 for anyone else), then
  whoever service_request_list lets see the request (a 404 for any other request).

The action panel offers exactly what the services allow: both ask the same scope predicates.

ID numbers: lists mask them everywhere. A request's page shows the full number to the officers of
the department handling it (they check it against the scans and need it to issue the result) and
masks it for admins, who supervise deadlines and routing and do not need it (PIPL: the least data
for the purpose). The same rule applies to ID and phone numbers inside the e-form.

Every move calls exactly one service; the services decide who may act and refuse illegal or
repeated moves (a double click). Their refusals come back as messages, never as a 500.

Modules: queue.py (the department queue), request_page.py (a request's page), request_actions.py (the moves
posted from it, the rating appeal), request_files.py (attachments and signature), county_requests.py (the
admins' list), access.py (who may do what); deadline states, timelines and the material checklist
come from gov_services/requests/display.py.
"""
