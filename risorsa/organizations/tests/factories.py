import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from risorsa.organizations.models import Membership, Organization, OrganizationKind, Role
from risorsa.organizations.validators import fiscal_code_check_digit


def _fiscal_code(n: int) -> str:
    first_ten = f"{8000000000 + n:010d}"
    return first_ten + str(fiscal_code_check_digit(first_ten))


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    kind = OrganizationKind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Organizzazione {n}")
    code = factory.Sequence(lambda n: f"org-{n}")
    fiscal_code = factory.Sequence(_fiscal_code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"utente{n}")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Verdi{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("password-di-prova-123")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.OPERATOR
