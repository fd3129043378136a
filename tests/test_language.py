from django.conf import settings

from tests.personas import PersonasTestCase


class LanguageTests(PersonasTestCase):
    def setUp(self):
        self.client.force_login(self.leader)

    def test_it_serves_chinese_to_a_browser_that_asks_for_english(self):
        response = self.client.get("/targets/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="zh-hans">')

    def test_it_serves_english_once_the_user_switches(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/targets/"})
        self.assertRedirects(response, "/targets/", fetch_redirect_response=False)
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        response = self.client.get("/targets/")
        self.assertContains(response, '<html lang="en">')

    def test_it_ignores_an_unknown_language_cookie(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        response = self.client.get("/targets/")
        self.assertContains(response, '<html lang="zh-hans">')
