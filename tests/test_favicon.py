from django.test import TestCase


class FaviconTests(TestCase):
    def test_it_answers_the_browsers_first_request_with_the_site_icon(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual((response.status_code, response["Location"]), (301, "/static/favicon.svg"))

    def test_every_page_names_its_icon(self):
        self.assertContains(self.client.get("/accounts/login/"), 'rel="icon" href="/static/favicon.svg"')
